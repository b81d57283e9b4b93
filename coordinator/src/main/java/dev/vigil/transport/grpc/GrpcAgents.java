package dev.vigil.transport.grpc;

import dev.vigil.core.GroupId;
import dev.vigil.core.NodeId;
import dev.vigil.proto.v1.AgentServiceGrpc;
import dev.vigil.proto.v1.ProbeBatchReply;
import dev.vigil.proto.v1.ProbeBatchRequest;
import dev.vigil.proto.v1.ProbeResult;
import dev.vigil.time.Clock;
import dev.vigil.transport.AgentClient;
import dev.vigil.transport.AgentReply;
import dev.vigil.transport.ProbeReply;
import dev.vigil.transport.ProbeRequest;
import dev.vigil.transport.PromoteRequest;
import dev.vigil.transport.ReleaseRequest;
import io.grpc.Status;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;
import java.util.stream.IntStream;

/**
 * {@link AgentClient} over gRPC. Probes to one agent that fall due together travel in one
 * ProbeBatch call ({@link Coalescer}); each keeps its own request and reply, and the protocol
 * times each out by itself, so a batch only changes how many calls carry them. The call's
 * deadline is the longest probe-timeout among its groups. Promote and Release wait for the
 * agent's hooks, so they get {@code commandDeadlineMs} (the leader resends them anyway, and the
 * agent answers every copy when its hooks are done). An agent without ProbeBatch (an older
 * vigil) is probed one call per group.
 */
public final class GrpcAgents implements AgentClient, AutoCloseable {
    /** Probes per call at most: well under gRPC's 4 MiB message limit. */
    static final int MAX_BATCH = 4_096;

    private record Pending(ProbeRequest request, ProbeCallback reply) {}

    private final Links<NodeId> links;
    private final Executor core;
    private final ToLongFunction<GroupId> probeDeadlineMs;
    private final long commandDeadlineMs;
    private final Coalescer<NodeId, Pending> probes;
    private final Set<NodeId> unbatched = ConcurrentHashMap.newKeySet();

    public GrpcAgents(Map<NodeId, Endpoint> agents, TlsFiles tls, Executor core, Clock clock, ToLongFunction<GroupId> probeDeadlineMs,
            long commandDeadlineMs) {
        this.links = new Links<>(agents, tls, core, clock, "agent");
        this.core = core;
        this.probeDeadlineMs = probeDeadlineMs;
        this.commandDeadlineMs = commandDeadlineMs;
        this.probes = new Coalescer<>(core, MAX_BATCH, this::sendBatch);
    }

    private AgentServiceGrpc.AgentServiceStub stub(NodeId node, long deadlineMs) {
        return AgentServiceGrpc.newStub(links.channel(node)).withDeadlineAfter(deadlineMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public void probe(NodeId node, ProbeRequest request, ProbeCallback reply) {
        links.channel(node); // an unknown node fails here, at the caller, as a single call would
        if (unbatched.contains(node)) {
            probeOne(node, request, reply);
        } else {
            probes.add(node, new Pending(request, reply));
        }
    }

    private void probeOne(NodeId node, ProbeRequest request, ProbeCallback reply) {
        stub(node, probeDeadlineMs.applyAsLong(request.group())).probe(Convert.proto(request),
                links.reply(node, "Probe", (m, arrived) -> reply.reply(Convert.domain(m), arrived), s -> false));
    }

    private void sendBatch(NodeId node, List<Pending> batch) {
        long deadline = batch.stream().mapToLong(p -> probeDeadlineMs.applyAsLong(p.request().group())).max().orElse(1_000);
        var b = ProbeBatchRequest.newBuilder();
        batch.forEach(p -> b.addProbes(Convert.proto(p.request())));
        stub(node, deadline).probeBatch(b.build(), links.reply(node, "ProbeBatch", (m, arrived) -> deliver(node, batch, m, arrived), s -> {
            if (s.getCode() != Status.Code.UNIMPLEMENTED) {
                return false;
            }
            if (unbatched.add(node)) {
                links.unbatched(node, "ProbeBatch");
            }
            batch.forEach(p -> probeOne(node, p.request(), p.reply()));
            return true;
        }));
    }

    /** Each reply to its own prober on the core thread, as a single call's reply would go, a chunk per task. */
    private void deliver(NodeId node, List<Pending> batch, ProbeBatchReply m, long arrived) {
        if (m.getResultsCount() != batch.size()) {
            links.invalid(node, "ProbeBatch", m.getResultsCount() + " results for " + batch.size() + " probes");
            return;
        }
        Calls.chunked(core, IntStream.range(0, batch.size()).boxed().toList(), () -> false, i -> {
            ProbeResult r = m.getResults(i);
            if (r.hasError()) {
                links.refused(node, "Probe", r.getError());
                return i;
            }
            try {
                batch.get(i).reply().reply(Convert.domain(r.getReply()), arrived);
            } catch (RuntimeException e) {
                links.invalid(node, "Probe", e.getMessage());
            }
            return i;
        }, done -> { });
    }

    @Override
    public void promote(NodeId node, PromoteRequest request, Consumer<AgentReply> reply) {
        stub(node, commandDeadlineMs).promote(Convert.proto(request),
                links.reply(node, "Promote", m -> reply.accept(Convert.domain(m))));
    }

    @Override
    public void release(NodeId node, ReleaseRequest request, Consumer<AgentReply> reply) {
        stub(node, commandDeadlineMs).release(Convert.proto(request),
                links.reply(node, "Release", m -> reply.accept(Convert.domain(m))));
    }

    /** An empty ProbeBatch to every agent ({@link Links#warmUp}): it touches no group. */
    public List<CompletableFuture<String>> warmUp(long maxMs) {
        return links.<ProbeBatchReply>warmUp(maxMs, (node, out) -> stub(node, maxMs).probeBatch(ProbeBatchRequest.getDefaultInstance(), out));
    }

    @Override
    public void close() {
        links.close();
    }
}
