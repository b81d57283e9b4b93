package dev.vigil.failover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.vigil.config.GroupConfig;
import dev.vigil.config.NodeConfig;
import dev.vigil.config.Timings;
import dev.vigil.core.GroupId;
import dev.vigil.core.NodeId;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class TargetsTest {
    private static final NodeId N1 = new NodeId("n1");
    private static final NodeId N2 = new NodeId("n2");
    private static final NodeId N3 = new NodeId("n3");
    private static final NodeId N4 = new NodeId("n4");
    private static final Predicate<NodeId> ALL_HEALTHY = n -> true;

    /** n1 primary (priority 100), n2 and n3 tie at 50, n4 at 80. */
    private static final GroupConfig GROUP = new GroupConfig(new GroupId("web"), List.of(
            new NodeConfig(N1, 100), new NodeConfig(N3, 50), new NodeConfig(N2, 50), new NodeConfig(N4, 80)),
            N1, Timings.defaults(), 2);

    @Test
    void choosesTheHighestPriorityHealthyNodeOtherThanTheOldPrimary() {
        assertEquals(N4, Targets.choose(GROUP, N1, null, ALL_HEALTHY));
    }

    @Test
    void breaksPriorityTiesByNodeName() {
        assertEquals(N2, Targets.choose(GROUP, N1, null, n -> !n.equals(N4)));
    }

    @Test
    void skipsUnhealthyNodes() {
        assertEquals(N3, Targets.choose(GROUP, N1, null, n -> n.equals(N3) || n.equals(N1)));
    }

    @Test
    void honoursRequestedNodeEvenOverAHigherPriority() {
        assertEquals(N3, Targets.choose(GROUP, N1, N3, ALL_HEALTHY));
    }

    @Test
    void requestedNodeThatIsUnhealthyGivesNoTargetRatherThanAnother() {
        assertNull(Targets.choose(GROUP, N1, N3, n -> !n.equals(N3)));
    }

    @Test
    void neverChoosesTheOldPrimary() {
        assertNull(Targets.choose(GROUP, N1, N1, ALL_HEALTHY));
        assertEquals(N1, Targets.choose(GROUP, N4, null, ALL_HEALTHY));
    }

    @Test
    void noQualifyingNodeGivesNull() {
        assertNull(Targets.choose(GROUP, N1, null, n -> false));
    }
}
