package dev.vigil.config;

import dev.vigil.core.GroupId;
import dev.vigil.core.WatcherId;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The protocol's view of the cluster file: the voting watchers and the groups they guard. The
 * same on every host. Votes and leases are counted against {@link #watchers()}, never against
 * the watchers merely seen. Groups are found by id in constant time: a watcher looks one up
 * for every probe it batches. Each group's {@link ConfigFingerprint} is computed once, here.
 */
public final class ClusterConfig {
    private final List<WatcherId> watchers;
    private final List<GroupConfig> groups;
    private final Map<GroupId, GroupConfig> byId = new HashMap<>();
    private final Map<GroupId, String> fingerprints = new HashMap<>();

    public ClusterConfig(List<WatcherId> watchers, List<GroupConfig> groups) {
        this.watchers = List.copyOf(watchers);
        this.groups = List.copyOf(groups);
        if (watchers.isEmpty()) {
            throw new IllegalArgumentException("watchers: at least one watcher is needed");
        }
        if (new HashSet<>(watchers).size() != watchers.size()) {
            throw new IllegalArgumentException("watchers: duplicate watcher id in " + watchers);
        }
        for (GroupConfig g : groups) {
            if (byId.put(g.id(), g) != null) {
                throw new IllegalArgumentException("groups: duplicate group " + g.id());
            }
            if (g.quorum() > watchers.size()) {
                throw new IllegalArgumentException("group " + g.id() + ": quorum " + g.quorum()
                        + " is larger than the number of watchers (" + watchers.size() + ")");
            }
            fingerprints.put(g.id(), ConfigFingerprint.of(this.watchers, g));
        }
    }

    public List<WatcherId> watchers() {
        return watchers;
    }

    public List<GroupConfig> groups() {
        return groups;
    }

    /** A strict majority of the configured watchers: what a lease and an election both need. */
    public int majority() {
        return watchers.size() / 2 + 1;
    }

    /** Votes that win an election: {@code max(quorum, N/2+1)}. */
    public int votesNeeded(GroupConfig group) {
        return Math.max(group.quorum(), majority());
    }

    /**
     * The fingerprint of what decides this group's votes and majorities (see
     * {@link ConfigFingerprint}); every peer and agent message of the group carries it.
     */
    public String fingerprint(GroupId group) {
        String f = fingerprints.get(group);
        if (f == null) {
            throw new IllegalArgumentException("no group " + group);
        }
        return f;
    }

    public Optional<GroupConfig> group(GroupId id) {
        return Optional.ofNullable(byId.get(id));
    }
}
