package dev.vigil.failover;

import dev.vigil.config.GroupConfig;
import dev.vigil.config.NodeConfig;
import dev.vigil.core.NodeId;
import java.util.Comparator;
import java.util.function.Predicate;

/** Chooses the standby to promote: answering the leader's probes now, highest priority, then name. */
public final class Targets {
    private static final Comparator<NodeConfig> PREFERENCE =
            Comparator.comparingInt(NodeConfig::priority).reversed().thenComparing(NodeConfig::id);

    private Targets() {}

    /** The target, or null if no node qualifies. {@code requested} (may be null) narrows the choice to one node. */
    public static NodeId choose(GroupConfig group, NodeId oldPrimary, NodeId requested, Predicate<NodeId> answers) {
        return group.nodes().stream()
                .filter(n -> !n.id().equals(oldPrimary) && answers.test(n.id()))
                .filter(n -> requested == null || n.id().equals(requested))
                .min(PREFERENCE)
                .map(NodeConfig::id)
                .orElse(null);
    }
}
