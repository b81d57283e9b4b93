package dev.vigil.watcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vigil.config.ClusterConfig;
import dev.vigil.config.GroupConfig;
import dev.vigil.config.NodeConfig;
import dev.vigil.config.Timings;
import dev.vigil.core.GroupId;
import dev.vigil.core.NodeId;
import dev.vigil.core.ProtocolException;
import dev.vigil.core.WatcherId;
import dev.vigil.election.VoteRule;
import dev.vigil.store.MemoryStateStore;
import dev.vigil.time.ManualScheduler;
import dev.vigil.transport.AgentClient;
import dev.vigil.transport.AgentReply;
import dev.vigil.transport.Hello;
import dev.vigil.transport.PeerTransport;
import dev.vigil.transport.ProbeReply;
import dev.vigil.transport.ProbeRequest;
import dev.vigil.transport.PromoteRequest;
import dev.vigil.transport.ReleaseRequest;
import dev.vigil.transport.VoteReply;
import dev.vigil.transport.VoteRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** How a watcher starts: its probe schedule, and what a message before {@code start()} does. */
class WatcherStartTest {
    private static final NodeId N1 = new NodeId("n1");
    private static final NodeId N2 = new NodeId("n2");
    private static final WatcherId W1 = new WatcherId("w1");
    private static final WatcherId W2 = new WatcherId("w2");

    private final ManualScheduler scheduler = new ManualScheduler(1_000_000_000L); // a host up for days
    private final List<GroupConfig> groups = IntStream.range(0, 50).mapToObj(i -> new GroupConfig(new GroupId("g" + i),
            List.of(new NodeConfig(N1, 100), new NodeConfig(N2, 90)), N1, Timings.defaults(), 2)).toList();
    /** Probe send times per node: ms → probes sent in that ms. */
    private final Map<NodeId, TreeMap<Long, Integer>> sends = Map.of(N1, new TreeMap<>(), N2, new TreeMap<>());
    private final Watcher watcher = watcher();

    /** A watcher of many groups probes each agent at one instant for all of them, so the probes can travel in one batch. */
    @Test
    void everyGroupOnOneAgentIsProbedAtTheSameMillisecond() {
        watcher.start();
        scheduler.advance(3 * Timings.defaults().probeIntervalMs());

        for (NodeId n : List.of(N1, N2)) {
            TreeMap<Long, Integer> at = sends.get(n);
            assertEquals(3, at.size(), n + " probed at " + at);
            assertEquals(new TreeSet<>(List.of(groups.size())), new TreeSet<>(at.values()), n + " probed at " + at);
        }
    }

    /** A node's server may pass a message on before the watcher started: that is no stall of its scheduler. */
    @Test
    void aMessageBeforeStartDoesNotPutTheWatcherInTilt() {
        var hello = new Hello(groups.get(0).id(), W2, 0, 0, N1, false, null, "");
        assertThrows(ProtocolException.class, () -> watcher.onHello(hello), "no group exists before start");
        watcher.start();

        assertFalse(watcher.tilt());
        watcher.onHello(hello);
        assertFalse(watcher.tilt());
    }

    private Watcher watcher() {
        var config = new ClusterConfig(List.of(W1, W2, new WatcherId("w3")), groups);
        AgentClient agents = new AgentClient() {
            @Override
            public void probe(NodeId node, ProbeRequest request, ProbeCallback reply) {
                sends.get(node).merge(scheduler.nowMillis(), 1, Integer::sum);
                reply.reply(new ProbeReply(request.group(), node, true, 1, scheduler.nowMillis(), 0, N1, 0, node.equals(N1),
                        ""),
                        scheduler.nowMillis());
            }

            @Override
            public void promote(NodeId node, PromoteRequest request, Consumer<AgentReply> reply) {}

            @Override
            public void release(NodeId node, ReleaseRequest request, Consumer<AgentReply> reply) {}
        };
        PeerTransport peers = new PeerTransport() {
            @Override
            public void hello(WatcherId to, Hello hello) {}

            @Override
            public void isPrimaryDown(WatcherId to, Hello mine, Consumer<Hello> reply) {}

            @Override
            public void requestVote(WatcherId to, VoteRequest request, Consumer<VoteReply> reply) {}
        };
        return new Watcher(W1, config, scheduler, peers, agents, (call, done) -> { }, new MemoryStateStore<>(),
                e -> { }, new SplittableRandom(7), VoteRule.STANDARD,
                dev.vigil.detection.AckRule.STANDARD);
    }
}
