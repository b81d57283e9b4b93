package dev.vigil.node;

import dev.vigil.agent.Agent;
import dev.vigil.agent.FencingRule;
import dev.vigil.config.ClusterFile;
import dev.vigil.core.NodeId;
import dev.vigil.failover.HookKind;
import dev.vigil.hooks.ProcessHookRunner;
import dev.vigil.store.FileStateStore;
import dev.vigil.time.SystemScheduler;
import dev.vigil.transport.grpc.GrpcServers;
import dev.vigil.transport.grpc.TlsFiles;
import java.io.IOException;
import java.util.EnumSet;
import java.util.Set;

/**
 * The composition root of {@code vigil agent}: the protocol's {@link Agent} on a
 * {@link SystemScheduler}, its fencing tokens in files under the state directory, the node's
 * hooks (promote, demote, acquire, release, notify) as processes, and the agent and health
 * services.
 */
public final class AgentNode implements AutoCloseable {
    /** The hooks an agent runs on its node. */
    public static final Set<HookKind> HOOKS = EnumSet.of(HookKind.PROMOTE, HookKind.DEMOTE, HookKind.ACQUIRE,
            HookKind.RELEASE, HookKind.NOTIFY);

    private final SystemScheduler core;
    private final GrpcServers.Running server;
    private final Agent agent;

    private AgentNode(SystemScheduler core, GrpcServers.Running server, Agent agent) {
        this.core = core;
        this.server = server;
        this.agent = agent;
    }

    public static AgentNode start(ClusterFile file, NodeId node) throws IOException {
        ClusterFile.HostPort at = file.agent(node).orElseThrow(() -> new IllegalArgumentException(
                "node " + node + " is in no group of " + file.source()));
        TlsFiles tls = Wiring.tls(file, node.value());
        var core = new SystemScheduler();
        var events = new EventLog();
        var hooks = new ProcessHookRunner(Wiring.hooks(file, HOOKS), core, node.value(), "agent");
        var store = FileStateStore.forAgent(file.stateDirOf(node.value()));
        var agent = new Agent(node, file.protocol(), core, hooks, store, events, FencingRule.STANDARD);
        GrpcServers.Running server;
        try {
            server = GrpcServers.agent(Wiring.endpoint(at), tls, agent, core);
        } catch (IOException | RuntimeException e) {
            core.close();
            throw e;
        }
        core.execute(agent::start);
        return new AgentNode(core, server, agent);
    }

    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    @Override
    public void close() {
        core.execute(agent::stop);
        server.close();
        core.close();
    }
}
