package dev.vigil.node;

import dev.vigil.agent.Agent;
import dev.vigil.agent.FencingRule;
import dev.vigil.config.ClusterFile;
import dev.vigil.core.NodeId;
import dev.vigil.failover.HookKind;
import dev.vigil.health.ServiceChecker;
import dev.vigil.hooks.ProcessHookRunner;
import dev.vigil.store.FileStateStore;
import dev.vigil.time.SystemScheduler;
import dev.vigil.transport.grpc.AdminClient;
import dev.vigil.transport.grpc.GrpcServers;
import dev.vigil.transport.grpc.TlsFiles;
import dev.vigil.transport.udp.UdpAgentListener;
import java.io.IOException;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The composition root of {@code vigil agent}: the protocol's {@link Agent} on a
 * {@link SystemScheduler}, its fencing tokens in files under the state directory, the node's
 * hooks (promote, demote, acquire, release) as processes, the checks of the node's own
 * service ({@link ServiceChecker}, reporting to {@link Agent#service} on the core thread), and
 * the agent and health services, and the probe datagrams when the cluster file has a probe key
 * ({@link UdpAgentListener}, on the agent's address: UDP and TCP ports are apart).
 *
 * <p>{@link #stop} is how the daemon ends (SIGTERM): a primary hands its groups over and lets
 * go of the IP first ({@link AgentStop}). {@link #close} alone ends it as a crash would, the IP
 * left where it is; tests use it for that.
 */
public final class AgentNode implements AutoCloseable {
    /** The hooks an agent runs on its node. */
    public static final Set<HookKind> HOOKS = EnumSet.of(HookKind.PROMOTE, HookKind.DEMOTE, HookKind.ACQUIRE,
            HookKind.RELEASE);

    private final SystemScheduler core;
    private final GrpcServers.Running server;
    private final UdpAgentListener udp;
    private final Agent agent;
    private final EventLog events;
    private final ServiceChecker checks;
    private final FileStateStore<?> store;
    private final AgentStop stopping;

    private AgentNode(SystemScheduler core, GrpcServers.Running server, UdpAgentListener udp, Agent agent,
            EventLog events, ServiceChecker checks, FileStateStore<?> store, AgentStop stopping) {
        this.core = core;
        this.udp = udp;
        this.stopping = stopping;
        this.store = store;
        this.server = server;
        this.agent = agent;
        this.events = events;
        this.checks = checks;
    }

    public static AgentNode start(ClusterFile file, NodeId node) throws IOException {
        ClusterFile.HostPort at = file.agent(node).orElseThrow(() -> new IllegalArgumentException(
                "node " + node + " is in no group of " + file.source()));
        TlsFiles tls = Wiring.tls(file, node.value());
        Rehearsal.run(); // before anything listens: the first real failover then runs warm
        var core = new SystemScheduler();
        var events = new EventLog();
        var hooks = new ProcessHookRunner(Wiring.hooks(file, HOOKS), core, node.value(), "agent");
        var store = FileStateStore.forAgent(file.stateDirOf(node.value()));
        var agent = new Agent(node, file.protocol(), core, hooks, store, events, FencingRule.STANDARD, Wiring.incarnation());
        ServiceChecker checks = null;
        GrpcServers.Running server = null;
        UdpAgentListener udp = null;
        try {
            checks = ServiceChecker.forNode(file, node, core, agent::service);
            server = GrpcServers.agent(Wiring.endpoint(at), tls, agent, core);
            if (file.probes().key() != null) {
                udp = UdpAgentListener.start(Wiring.udp(at), node, Wiring.datagramIncarnation(), file.probes().key(),
                        file.protocol().watchers(), agent, core, core);
            }
        } catch (IOException | RuntimeException e) {
            if (checks != null) {
                checks.close();
            }
            if (server != null) {
                server.close();
            }
            core.close();
            throw e;
        }
        core.execute(agent::start);
        // After the agent's start in the core's queue: the core runs tasks in order, so no
        // verdict reaches the agent before its groups exist.
        checks.start();
        long releaseMs = file.groupsOf(node).stream().mapToLong(g -> g.hooks().timeoutMs()).max().orElse(0)
                + ProcessHookRunner.TERM_GRACE_MS;
        var stopping = new AgentStop(node, agent, core, events, () -> watchers(file, tls), releaseMs);
        return new AgentNode(core, server, udp, agent, events, checks, store, stopping);
    }

    /** Admin clients of every watcher, in cluster-file order, as this node (its TLS identity). */
    private static List<AdminClient> watchers(ClusterFile file, TlsFiles tls) {
        return file.watchers().stream().map(w -> new AdminClient(Wiring.endpoint(w.address()), w.id().value(), tls))
                .toList();
    }

    public EventLog events() {
        return events;
    }

    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    /**
     * Stops as SIGTERM should: hands over the groups this node is the primary of (at most
     * {@code stopTimeoutMs}), lets go of every IP that may still be here, then {@link #close}s.
     */
    public void stop(long stopTimeoutMs) {
        try {
            stopping.run(stopTimeoutMs);
        } finally {
            close();
        }
    }

    /** Cuts a running {@link #stop} short: no more waiting for the handover, the release follows at once. */
    public void hurry() {
        stopping.hurry();
    }

    @Override
    public void close() {
        checks.close(); // first: no verdict reaches the agent after it stops
        core.execute(agent::stop);
        if (udp != null) {
            udp.close();
        }
        server.close();
        core.close();
        store.close(); // last: writes the records of releases that are still queued
    }
}
