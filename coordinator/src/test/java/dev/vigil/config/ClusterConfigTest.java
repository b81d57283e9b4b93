package dev.vigil.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.core.GroupId;
import dev.vigil.core.NodeId;
import dev.vigil.core.WatcherId;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ClusterConfigTest {
    private static final GroupId WEB = new GroupId("web");
    private static final NodeId N1 = new NodeId("n1");
    private static final NodeId N2 = new NodeId("n2");

    private static NodeConfig node(String id) {
        return new NodeConfig(new NodeId(id), 10);
    }

    private static GroupConfig group(String id, int quorum) {
        return new GroupConfig(new GroupId(id), List.of(node("n1"), node("n2")), N1, Timings.defaults(), quorum);
    }

    private static List<WatcherId> watchers(int n) {
        return IntStream.rangeClosed(1, n).mapToObj(i -> new WatcherId("w" + i)).toList();
    }

    private static void assertRejected(Executable build, String... words) {
        var e = assertThrows(IllegalArgumentException.class, build);
        for (String w : words) {
            assertTrue(e.getMessage().contains(w), () -> "message should mention '" + w + "': " + e.getMessage());
        }
    }

    @Test
    void groupNeedsAtLeastTwoNodes() {
        assertRejected(() -> new GroupConfig(WEB, List.of(node("n1")), N1, Timings.defaults(), 1),
                "web", "two nodes");
    }

    @Test
    void groupRefusesDuplicateNode() {
        assertRejected(() -> new GroupConfig(WEB, List.of(node("n1"), node("n2"), node("n1")), N1,
                Timings.defaults(), 1), "web", "duplicate node n1");
    }

    @Test
    void groupRefusesInitialPrimaryThatIsNotOneOfItsNodes() {
        assertRejected(() -> new GroupConfig(WEB, List.of(node("n1"), node("n2")), new NodeId("n3"),
                Timings.defaults(), 1), "web", "initial primary n3");
    }

    @Test
    void groupRefusesQuorumBelowOne() {
        assertRejected(() -> group("web", 0), "web", "quorum");
        assertRejected(() -> group("web", -1), "web", "quorum");
    }

    @Test
    void groupFindsItsNodes() {
        GroupConfig g = group("web", 1);

        assertEquals(N2, g.node(N2).orElseThrow().id());
        assertTrue(g.node(new NodeId("n9")).isEmpty());
    }

    @Test
    void clusterRefusesQuorumAboveTheNumberOfWatchers() {
        assertRejected(() -> new ClusterConfig(watchers(3), List.of(group("web", 4))), "web", "quorum 4", "(3)");
    }

    @Test
    void clusterAcceptsQuorumEqualToTheNumberOfWatchers() {
        assertEquals(3, new ClusterConfig(watchers(3), List.of(group("web", 3))).groups().get(0).quorum());
    }

    @Test
    void clusterRefusesDuplicateWatcher() {
        var ws = new ArrayList<>(watchers(3));
        ws.add(new WatcherId("w2"));

        assertRejected(() -> new ClusterConfig(ws, List.of(group("web", 2))), "watchers", "duplicate");
    }

    @Test
    void clusterRefusesDuplicateGroup() {
        assertRejected(() -> new ClusterConfig(watchers(3), List.of(group("web", 2), group("db", 2), group("web", 1))),
                "duplicate group web");
    }

    @Test
    void clusterRefusesNoWatchers() {
        assertRejected(() -> new ClusterConfig(List.of(), List.of(group("web", 1))), "watchers");
    }

    @Test
    void clusterFindsItsGroups() {
        var c = new ClusterConfig(watchers(3), List.of(group("web", 2), group("db", 2)));

        assertEquals(new GroupId("db"), c.group(new GroupId("db")).orElseThrow().id());
        assertTrue(c.group(new GroupId("mail")).isEmpty());
    }

    static Stream<Arguments> watcherCounts() {
        // N, strict majority N/2+1
        return Stream.of(Arguments.of(1, 1), Arguments.of(2, 2), Arguments.of(3, 2), Arguments.of(4, 3),
                Arguments.of(5, 3));
    }

    @ParameterizedTest(name = "N={0}: majority {1}")
    @MethodSource("watcherCounts")
    void majorityIsStrictAndVotesNeededIsTheLargerOfQuorumAndMajority(int n, int majority) {
        for (int quorum = 1; quorum <= n; quorum++) {
            var c = new ClusterConfig(watchers(n), List.of(group("web", quorum)));

            assertEquals(majority, c.majority());
            assertEquals(Math.max(quorum, majority), c.votesNeeded(c.groups().get(0)), "quorum " + quorum);
        }
    }

    @Test
    void votesNeededNeverFallsBelowAMajorityEvenWithQuorumOne() {
        var c = new ClusterConfig(watchers(5), List.of(group("web", 1)));

        assertEquals(3, c.votesNeeded(c.groups().get(0)));
    }
}
