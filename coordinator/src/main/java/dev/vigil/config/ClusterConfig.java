package dev.vigil.config;

import dev.vigil.core.GroupId;
import dev.vigil.core.WatcherId;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;

/**
 * The protocol's view of the cluster file: the voting watchers and the groups they guard. The
 * same on every host. Votes and leases are counted against {@link #watchers()}, never against
 * the watchers merely seen.
 */
public record ClusterConfig(List<WatcherId> watchers, List<GroupConfig> groups) {
    public ClusterConfig {
        watchers = List.copyOf(watchers);
        groups = List.copyOf(groups);
        if (watchers.isEmpty()) {
            throw new IllegalArgumentException("watchers: at least one watcher is needed");
        }
        if (new HashSet<>(watchers).size() != watchers.size()) {
            throw new IllegalArgumentException("watchers: duplicate watcher id in " + watchers);
        }
        var ids = new HashSet<GroupId>();
        for (GroupConfig g : groups) {
            if (!ids.add(g.id())) {
                throw new IllegalArgumentException("groups: duplicate group " + g.id());
            }
            if (g.quorum() > watchers.size()) {
                throw new IllegalArgumentException("group " + g.id() + ": quorum " + g.quorum()
                        + " is larger than the number of watchers (" + watchers.size() + ")");
            }
        }
    }

    /** A strict majority of the configured watchers: what a lease and an election both need. */
    public int majority() {
        return watchers.size() / 2 + 1;
    }

    /** Votes that win an election: {@code max(quorum, N/2+1)}. */
    public int votesNeeded(GroupConfig group) {
        return Math.max(group.quorum(), majority());
    }

    public Optional<GroupConfig> group(GroupId id) {
        for (GroupConfig g : groups) {
            if (g.id().equals(id)) {
                return Optional.of(g);
            }
        }
        return Optional.empty();
    }
}
