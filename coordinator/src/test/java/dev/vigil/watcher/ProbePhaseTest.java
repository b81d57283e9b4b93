package dev.vigil.watcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.config.ClusterConfig;
import dev.vigil.config.GroupConfig;
import dev.vigil.config.NodeConfig;
import dev.vigil.config.Timings;
import dev.vigil.core.GroupId;
import dev.vigil.core.NodeId;
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

/** A watcher of many groups probes each agent at one instant for all of them, so the probes can travel in one batch. */
class ProbePhaseTest {
    private static final NodeId N1 = new NodeId("n1");
    private static final NodeId N2 = new NodeId("n2");

    @Test
    void everyGroupOnOneAgentIsProbedAtTheSameMillisecond() {
        var w1 = new WatcherId("w1");
        List<GroupConfig> groups = IntStream.range(0, 50).mapToObj(i -> new GroupConfig(new GroupId("g" + i),
                List.of(new NodeConfig(N1, 100), new NodeConfig(N2, 90)), N1, Timings.defaults(), 2)).toList();
        var config = new ClusterConfig(List.of(w1, new WatcherId("w2"), new WatcherId("w3")), groups);
        var scheduler = new ManualScheduler();
        Map<NodeId, TreeMap<Long, Integer>> sends = Map.of(N1, new TreeMap<>(), N2, new TreeMap<>());
        AgentClient agents = new AgentClient() {
            @Override
            public void probe(NodeId node, ProbeRequest request, Consumer<ProbeReply> reply) {
                sends.get(node).merge(scheduler.nowMillis(), 1, Integer::sum);
                reply.accept(new ProbeReply(request.group(), node, true, scheduler.nowMillis(), 0, N1, 0, node.equals(N1)));
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
        var watcher = new Watcher(w1, config, scheduler, peers, agents, (call, done) -> { }, new MemoryStateStore<>(),
                e -> { }, new SplittableRandom(7), VoteRule.STANDARD);

        watcher.start();
        scheduler.advance(3 * Timings.defaults().probeIntervalMs());

        for (NodeId n : List.of(N1, N2)) {
            TreeMap<Long, Integer> at = sends.get(n);
            assertEquals(3, at.size(), n + " probed at " + at);
            assertEquals(new TreeSet<>(List.of(groups.size())), new TreeSet<>(at.values()), n + " probed at " + at);
        }
    }
}
