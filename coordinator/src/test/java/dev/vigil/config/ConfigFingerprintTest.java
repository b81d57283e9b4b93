package dev.vigil.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.core.GroupId;
import dev.vigil.core.NodeId;
import dev.vigil.core.WatcherId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the config fingerprint covers (what decides votes and majorities) and what it leaves out. */
class ConfigFingerprintTest {
    private static final GroupId WEB = new GroupId("web");
    private static final NodeId N1 = new NodeId("n1");
    private static final NodeId N2 = new NodeId("n2");
    private static final List<WatcherId> W3 = List.of(new WatcherId("w1"), new WatcherId("w2"), new WatcherId("w3"));

    private static GroupConfig web(List<NodeConfig> nodes, NodeId initial, Timings t, int quorum) {
        return new GroupConfig(WEB, nodes, initial, t, quorum);
    }

    private static final GroupConfig BASE = web(List.of(new NodeConfig(N1, 100), new NodeConfig(N2, 50)), N1,
            Timings.defaults(), 2);

    private static String fp(List<WatcherId> watchers, GroupConfig g) {
        return new ClusterConfig(watchers, List.of(g)).fingerprint(g.id());
    }

    @Test
    void isTwelveLowercaseHexDigitsAndTheSameOnEveryBuild() {
        String f = fp(W3, BASE);
        assertTrue(f.matches("[0-9a-f]{12}"), f);
        assertEquals(f, fp(List.copyOf(W3), web(List.copyOf(BASE.nodes()), N1, Timings.defaults(), 2)));
        assertEquals(ConfigFingerprint.of(W3, BASE), f, "computed once by ClusterConfig, the same value");
    }

    @Test
    void theOrderOfWatchersAndNodesInTheFileDecidesNothing() {
        List<WatcherId> reversed = new ArrayList<>(W3);
        java.util.Collections.reverse(reversed);
        var nodesReversed = web(List.of(new NodeConfig(N2, 50), new NodeConfig(N1, 100)), N1, Timings.defaults(), 2);

        assertEquals(fp(W3, BASE), fp(reversed, BASE));
        assertEquals(fp(W3, BASE), fp(W3, nodesReversed));
    }

    @Test
    void changesWithEverythingThatDecidesVotesAndMajorities() {
        Timings d = Timings.defaults();
        List<WatcherId> four = new ArrayList<>(W3);
        four.add(new WatcherId("w4"));
        List<Function<Void, String>> variants = List.of(
                v -> fp(W3, BASE),
                v -> fp(four, BASE),                                                   // a watcher more
                v -> fp(W3.subList(0, 2), web(BASE.nodes(), N1, d, 2)),                // a watcher fewer
                v -> fp(List.of(W3.get(0), W3.get(1), new WatcherId("w9")), BASE),    // one replaced
                v -> fp(W3, web(BASE.nodes(), N1, d, 3)),                              // quorum
                v -> fp(W3, web(BASE.nodes(), N2, d, 2)),                              // initial primary
                v -> fp(W3, web(List.of(new NodeConfig(N1, 100), new NodeConfig(N2, 60)), N1, d, 2)), // a priority
                v -> fp(W3, web(List.of(new NodeConfig(N1, 100), new NodeConfig(N2, 50),
                        new NodeConfig(new NodeId("n3"), 10)), N1, d, 2)),             // a node more
                v -> fp(W3, web(BASE.nodes(), N1, new Timings(1000, 400, 250, 5000, 3750, 10000), 2)),
                v -> fp(W3, web(BASE.nodes(), N1, new Timings(1000, 500, 200, 5000, 3750, 10000), 2)),
                v -> fp(W3, web(BASE.nodes(), N1, new Timings(1000, 500, 250, 6000, 3750, 10000), 2)),
                v -> fp(W3, web(BASE.nodes(), N1, new Timings(1000, 500, 250, 5000, 3500, 10000), 2)),
                v -> fp(W3, web(BASE.nodes(), N1, new Timings(1000, 500, 250, 5000, 3750, 12000), 2)),
                v -> fp(W3, web(BASE.nodes(), N1, new Timings(900, 500, 250, 5000, 3750, 10000), 2)),
                v -> fp(W3, new GroupConfig(new GroupId("db"), BASE.nodes(), N1, d, 2)));   // another group
        var seen = new HashSet<String>();
        for (var v : variants) {
            assertTrue(seen.add(v.apply(null)), "each variant has its own fingerprint: " + seen);
        }
    }

    @Test
    void addressesHooksAndTheFloatingIpAreLeftOut(@TempDir Path dir) throws Exception {
        String original = Files.readString(ClusterFileLoaderTest.EXAMPLE);
        String moved = original.replace("witness.example.net:7400", "10.9.9.3:7401").replace("10.0.0.2:7500", "10.9.9.2:7501");
        assertNotEquals(original, moved, "the example names those addresses");
        Path a = dir.resolve("a.yaml");
        Path b = dir.resolve("b.yaml");
        Files.writeString(a, original);
        Files.writeString(b, moved);

        ClusterConfig before = ClusterFileLoader.load(a).protocol();
        ClusterConfig after = ClusterFileLoader.load(b).protocol();

        for (GroupConfig g : before.groups()) {
            assertEquals(before.fingerprint(g.id()), after.fingerprint(g.id()), "an address change splits nothing");
        }
        assertNotEquals(before.fingerprint(before.groups().get(0).id()), before.fingerprint(before.groups().get(1).id()),
                "each group has its own");
    }
}
