package dev.vigil.transport.grpc;

import dev.vigil.core.GroupId;
import dev.vigil.core.NodeId;
import dev.vigil.proto.v1.AgentServiceGrpc;
import dev.vigil.transport.AgentClient;
import dev.vigil.transport.AgentReply;
import dev.vigil.transport.ProbeReply;
import dev.vigil.transport.ProbeRequest;
import dev.vigil.transport.PromoteRequest;
import dev.vigil.transport.ReleaseRequest;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * {@link AgentClient} over gRPC. A probe's deadline is its group's probe-timeout; Promote and
 * Release wait for the agent's hooks, so they get {@code commandDeadlineMs} (the leader resends
 * them anyway, and the agent answers every copy when its hooks are done).
 */
public final class GrpcAgents implements AgentClient, AutoCloseable {
    private final Links<NodeId> links;
    private final ToLongFunction<GroupId> probeDeadlineMs;
    private final long commandDeadlineMs;

    public GrpcAgents(Map<NodeId, Endpoint> agents, TlsFiles tls, Executor core, ToLongFunction<GroupId> probeDeadlineMs,
            long commandDeadlineMs) {
        this.links = new Links<>(agents, tls, core, "agent");
        this.probeDeadlineMs = probeDeadlineMs;
        this.commandDeadlineMs = commandDeadlineMs;
    }

    private AgentServiceGrpc.AgentServiceStub stub(NodeId node, long deadlineMs) {
        return AgentServiceGrpc.newStub(links.channel(node)).withDeadlineAfter(deadlineMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public void probe(NodeId node, ProbeRequest request, Consumer<ProbeReply> reply) {
        stub(node, probeDeadlineMs.applyAsLong(request.group())).probe(Convert.proto(request),
                links.reply(node, "Probe", m -> reply.accept(Convert.domain(m))));
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

    @Override
    public void close() {
        links.close();
    }
}
