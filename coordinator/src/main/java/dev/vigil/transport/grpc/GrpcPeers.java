package dev.vigil.transport.grpc;

import dev.vigil.core.WatcherId;
import dev.vigil.proto.v1.AdminServiceGrpc;
import dev.vigil.proto.v1.PeerServiceGrpc;
import dev.vigil.transport.Hello;
import dev.vigil.transport.PeerTransport;
import dev.vigil.transport.VoteReply;
import dev.vigil.transport.VoteRequest;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** {@link PeerTransport} over gRPC: every call has a deadline; replies arrive on the core thread. */
public final class GrpcPeers implements PeerTransport, AutoCloseable {
    private final Links<WatcherId> links;
    private final long deadlineMs;

    public GrpcPeers(Map<WatcherId, Endpoint> peers, TlsFiles tls, Executor core, long deadlineMs) {
        this.links = new Links<>(peers, tls, core, "peer");
        this.deadlineMs = deadlineMs;
    }

    private PeerServiceGrpc.PeerServiceStub stub(WatcherId to) {
        return PeerServiceGrpc.newStub(links.channel(to)).withDeadlineAfter(deadlineMs, TimeUnit.MILLISECONDS);
    }

    /** The peer's admin service, for read-only checks such as ckquorum. */
    public AdminServiceGrpc.AdminServiceStub admin(WatcherId to) {
        return AdminServiceGrpc.newStub(links.channel(to)).withDeadlineAfter(deadlineMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public void hello(WatcherId to, Hello hello) {
        stub(to).hello(Convert.proto(hello), links.reply(to, "Hello", m -> { }));
    }

    @Override
    public void isPrimaryDown(WatcherId to, Hello mine, Consumer<Hello> reply) {
        stub(to).isPrimaryDown(Convert.proto(mine), links.reply(to, "IsPrimaryDown", m -> reply.accept(Convert.domain(m))));
    }

    @Override
    public void requestVote(WatcherId to, VoteRequest request, Consumer<VoteReply> reply) {
        stub(to).requestVote(Convert.proto(request), links.reply(to, "RequestVote", m -> reply.accept(Convert.domain(m))));
    }

    @Override
    public void close() {
        links.close();
    }
}
