package dev.vigil.transport.grpc;

import dev.vigil.core.WatcherId;
import dev.vigil.proto.v1.AdminServiceGrpc;
import dev.vigil.proto.v1.HelloBatchReply;
import dev.vigil.proto.v1.HelloBatchRequest;
import dev.vigil.proto.v1.HelloResult;
import dev.vigil.proto.v1.PeerServiceGrpc;
import dev.vigil.time.Clock;
import dev.vigil.transport.Hello;
import dev.vigil.transport.PeerTransport;
import dev.vigil.transport.VoteReply;
import dev.vigil.transport.VoteRequest;
import io.grpc.Status;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * {@link PeerTransport} over gRPC: every call has a deadline; replies arrive on the core thread.
 * Hello and IsPrimaryDown messages to one peer that fall due together (a watcher's tick gossips
 * every group at once) travel in one HelloBatch call ({@link Coalescer}); RequestVote goes on
 * its own, at once. A peer without HelloBatch (an older vigil) gets one call per message.
 */
public final class GrpcPeers implements PeerTransport, AutoCloseable {
    /** Hellos per call at most: well under gRPC's 4 MiB message limit. */
    static final int MAX_BATCH = 4_096;

    /** One gossip message; {@code reply} is null for a Hello, whose answer nobody reads. */
    private record Pending(Hello hello, Consumer<Hello> reply) {}

    private final Links<WatcherId> links;
    private final Executor core;
    private final long deadlineMs;
    private final Coalescer<WatcherId, Pending> gossip;
    private final Set<WatcherId> unbatched = ConcurrentHashMap.newKeySet();

    public GrpcPeers(Map<WatcherId, Endpoint> peers, TlsFiles tls, Executor core, Clock clock, long deadlineMs) {
        this.links = new Links<>(peers, tls, core, clock, "peer");
        this.core = core;
        this.deadlineMs = deadlineMs;
        this.gossip = new Coalescer<>(core, MAX_BATCH, this::sendBatch);
    }

    private PeerServiceGrpc.PeerServiceStub stub(WatcherId to) {
        return stub(to, deadlineMs);
    }

    private PeerServiceGrpc.PeerServiceStub stub(WatcherId to, long deadline) {
        return PeerServiceGrpc.newStub(links.channel(to)).withDeadlineAfter(deadline, TimeUnit.MILLISECONDS);
    }

    /** The peer's admin service, for read-only checks such as ckquorum. */
    public AdminServiceGrpc.AdminServiceStub admin(WatcherId to) {
        return AdminServiceGrpc.newStub(links.channel(to)).withDeadlineAfter(deadlineMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public void hello(WatcherId to, Hello hello) {
        send(to, new Pending(hello, null));
    }

    @Override
    public void isPrimaryDown(WatcherId to, Hello mine, Consumer<Hello> reply) {
        send(to, new Pending(mine, reply));
    }

    private void send(WatcherId to, Pending p) {
        links.channel(to); // an unknown peer fails here, at the caller, as a single call would
        if (unbatched.contains(to)) {
            sendOne(to, p);
        } else {
            gossip.add(to, p);
        }
    }

    private void sendOne(WatcherId to, Pending p) {
        if (p.reply() == null) {
            stub(to).hello(Convert.proto(p.hello()), links.reply(to, "Hello", m -> { }));
        } else {
            stub(to).isPrimaryDown(Convert.proto(p.hello()),
                    links.reply(to, "IsPrimaryDown", m -> p.reply().accept(Convert.domain(m))));
        }
    }

    private void sendBatch(WatcherId to, List<Pending> batch) {
        var b = HelloBatchRequest.newBuilder();
        batch.forEach(p -> b.addHellos(Convert.proto(p.hello())));
        stub(to).helloBatch(b.build(), links.reply(to, "HelloBatch", (m, arrived) -> deliver(to, batch, m), s -> {
            if (s.getCode() != Status.Code.UNIMPLEMENTED) {
                return false;
            }
            if (unbatched.add(to)) {
                links.unbatched(to, "HelloBatch");
            }
            batch.forEach(p -> sendOne(to, p));
            return true;
        }));
    }

    /** Each IsPrimaryDown answer to its asker on the core thread, a chunk per task. */
    private void deliver(WatcherId from, List<Pending> batch, HelloBatchReply m) {
        if (m.getResultsCount() != batch.size()) {
            links.invalid(from, "HelloBatch", m.getResultsCount() + " results for " + batch.size() + " hellos");
            return;
        }
        Calls.chunked(core, IntStream.range(0, batch.size()).boxed().toList(), () -> false, i -> {
            HelloResult r = m.getResults(i);
            Pending p = batch.get(i);
            if (r.hasError()) {
                links.refused(from, p.reply() == null ? "Hello" : "IsPrimaryDown", r.getError());
            } else if (p.reply() != null) {
                try {
                    p.reply().accept(Convert.domain(r.getView()));
                } catch (RuntimeException e) {
                    links.invalid(from, "IsPrimaryDown", e.getMessage());
                }
            }
            return i;
        }, done -> { });
    }

    @Override
    public void requestVote(WatcherId to, VoteRequest request, Consumer<VoteReply> reply) {
        stub(to).requestVote(Convert.proto(request), links.reply(to, "RequestVote", m -> reply.accept(Convert.domain(m))));
    }

    /** An empty HelloBatch to every peer ({@link Links#warmUp}): it tells no group anything. */
    public List<CompletableFuture<String>> warmUp(long maxMs) {
        return links.<HelloBatchReply>warmUp(maxMs,
                (to, out) -> stub(to, maxMs).helloBatch(HelloBatchRequest.getDefaultInstance(), out));
    }

    @Override
    public void close() {
        links.close();
    }
}
