package dev.vigil.node;

import dev.vigil.config.ClusterFile;
import dev.vigil.config.ClusterConfig;
import dev.vigil.core.WatcherId;
import dev.vigil.detection.AckRule;
import dev.vigil.election.VoteRule;
import dev.vigil.failover.HookKind;
import dev.vigil.hooks.ProcessHookRunner;
import dev.vigil.store.FileStateStore;
import dev.vigil.time.SystemScheduler;
import dev.vigil.transport.grpc.AdminGrpcService;
import dev.vigil.transport.grpc.Endpoint;
import dev.vigil.transport.grpc.GrpcAgents;
import dev.vigil.transport.grpc.GrpcPeers;
import dev.vigil.transport.grpc.GrpcServers;
import dev.vigil.transport.grpc.PeerGrpcService;
import dev.vigil.transport.grpc.TlsFiles;
import dev.vigil.config.ClusterFile.ProbeTransport;
import dev.vigil.transport.AgentClient;
import dev.vigil.transport.udp.UdpAgents;
import java.net.InetSocketAddress;
import dev.vigil.watcher.Watcher;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root of {@code vigil watcher}: the protocol's {@link Watcher} on a
 * {@link SystemScheduler}, with gRPC to peers and agents (probes as datagrams with
 * {@code probe-transport: udp}, {@link UdpAgents}), its state in files under the state
 * directory, the leader's hooks (fence, notify) as processes, and the peer and admin services.
 */
public final class WatcherNode implements AutoCloseable {
    /** The hooks a watcher runs, as the leader of a failover. */
    public static final Set<HookKind> HOOKS = EnumSet.of(HookKind.FENCE, HookKind.NOTIFY);
    static final long WARM_UP_MS = 3_000;
    private static final Logger log = LoggerFactory.getLogger("dev.vigil.watcher");

    private final SystemScheduler core;
    private final GrpcPeers peers;
    private final GrpcAgents agents;
    private final UdpAgents udp;
    private final GrpcServers.Running server;
    private final Watcher watcher;
    private final EventLog events;

    private WatcherNode(SystemScheduler core, GrpcPeers peers, GrpcAgents agents, UdpAgents udp, GrpcServers.Running server,
            Watcher watcher, EventLog events) {
        this.core = core;
        this.udp = udp;
        this.peers = peers;
        this.agents = agents;
        this.server = server;
        this.watcher = watcher;
        this.events = events;
    }

    public static WatcherNode start(ClusterFile file, WatcherId id) throws IOException {
        ClusterFile.WatcherEntry me = file.findWatcher(id).orElseThrow(() -> new IllegalArgumentException(
                "watcher " + id + " is not in " + file.source() + " (watchers: " + file.protocol().watchers() + ")"));
        ClusterConfig protocol = file.protocol();
        TlsFiles tls = Wiring.tls(file, id.value());
        Rehearsal.run(); // before anything listens: the first real failover then runs warm
        var core = new SystemScheduler();
        var events = new EventLog();
        Map<WatcherId, Endpoint> others = new LinkedHashMap<>();
        file.watchers().stream().filter(w -> !w.id().equals(id)).forEach(w -> others.put(w.id(), Wiring.endpoint(w.address())));
        var agentEndpoints = new LinkedHashMap<dev.vigil.core.NodeId, Endpoint>();
        file.agents().forEach((n, hp) -> agentEndpoints.put(n, Wiring.endpoint(hp)));
        var peers = new GrpcPeers(others, tls, core, core, 1_000);
        java.util.function.ToLongFunction<dev.vigil.core.GroupId> probeTimeout =
                g -> protocol.group(g).map(c -> c.timings().probeTimeoutMs()).orElse(1_000L);
        var agents = new GrpcAgents(agentEndpoints, tls, core, core, probeTimeout, 30_000);
        UdpAgents udp = null;
        if (file.probes().kind() == ProbeTransport.Kind.UDP) {
            if (file.probes().key() == null) { // the loader reads it wherever hooks are checked: a daemon always does
                throw new IllegalStateException("probe-transport udp, but the probe key of " + file.source() + " was not read");
            }
            var at = new LinkedHashMap<dev.vigil.core.NodeId, InetSocketAddress>();
            file.agents().forEach((n, hp) -> at.put(n, Wiring.udp(hp)));
            try {
                udp = new UdpAgents(at, id, Wiring.datagramIncarnation(), file.probes().key(), agents, core, core,
                        probeTimeout, new InetSocketAddress(0));
            } catch (IOException e) {
                peers.close();
                agents.close();
                core.close();
                throw e;
            }
        }
        AgentClient probing = udp != null ? udp : agents;
        log.info("ProbeTransport watcher={} transport={}", id, udp != null ? "udp" : "grpc");
        var hooks = new ProcessHookRunner(Wiring.hooks(file, HOOKS), core,
                id.value(), "leader");
        var store = FileStateStore.forWatcher(file.stateDirOf(id.value()));
        var watcher = new Watcher(id, protocol, core, peers, probing, hooks, store, events,
                new SplittableRandom(new SecureRandom().nextLong()), VoteRule.STANDARD, AckRule.STANDARD);
        warmUp(agents, udp, peers);
        // The watcher starts before its server does, so no message reaches it unstarted (its
        // TILT guard would take the time since boot for a stall of its scheduler).
        core.execute(watcher::start);
        GrpcServers.Running server;
        try {
            server = GrpcServers.watcher(Wiring.endpoint(me.address()), tls, new PeerGrpcService(watcher, core),
                    new AdminGrpcService(id, watcher, protocol, core, events, peers,
                            core.timerLag()::snapshot));
        } catch (IOException | RuntimeException e) {
            core.execute(watcher::stop);
            peers.close();
            agents.close();
            if (udp != null) {
                udp.close();
            }
            core.close();
            throw e;
        }
        return new WatcherNode(core, peers, agents, udp, server, watcher, events);
    }

    /**
     * Waits, at most {@link #WARM_UP_MS}, until one call to every agent has come back, so that
     * the watcher's silence clocks start once its links are warm: on a busy host a fresh JVM's
     * first probes miss a short probe-timeout for a second or more, and watchers started
     * together would otherwise agree that a healthy primary is down. A dead agent fails fast or
     * runs out the wait; either way the watcher then starts as before. Peers get one call too,
     * not waited for: nothing here times them, and a peer's host that is down must not hold
     * back the start.
     */
    private static void warmUp(GrpcAgents agents, UdpAgents udp, GrpcPeers peers) {
        long start = System.nanoTime();
        List<CompletableFuture<String>> toPeers = peers.warmUp(WARM_UP_MS);
        List<CompletableFuture<String>> calls = new java.util.ArrayList<>(agents.warmUp(WARM_UP_MS));
        if (udp != null) { // the datagram path is what probes take; gRPC still carries Promote and Release
            calls.addAll(udp.warmUp(WARM_UP_MS));
        }
        String how = calls.stream().map(CompletableFuture::join).collect(Collectors.joining(", "));
        log.info("warm-up took {} ms: {}", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), how);
        CompletableFuture.allOf(toPeers.toArray(CompletableFuture[]::new)).thenRun(() -> log.info("warm-up of peers: {}",
                toPeers.stream().map(CompletableFuture::join).collect(Collectors.joining(", "))));
    }

    public EventLog events() {
        return events;
    }

    public int port() {
        return server.port();
    }

    /** Blocks until the server stops (the process is killed, or {@link #close()} runs). */
    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    @Override
    public void close() {
        core.execute(watcher::stop);
        server.close();
        peers.close();
        if (udp != null) {
            udp.close();
        }
        agents.close();
        core.close();
    }
}
