package dev.vigil.election;

import dev.vigil.core.NodeId;
import dev.vigil.core.WatcherId;
import java.util.HashSet;
import java.util.Set;

/**
 * A candidacy in one term: the votes gathered so far. Wins at {@code needed} distinct voters,
 * {@code max(quorum, N/2+1)} of the configured watchers.
 */
public final class Election {
    private final long term;
    private final int needed;
    private final boolean manual;
    private final NodeId target;
    private final Set<WatcherId> votes = new HashSet<>();

    public Election(long term, int needed, boolean manual, NodeId target) {
        this.term = term;
        this.needed = needed;
        this.manual = manual;
        this.target = target;
    }

    public void grant(WatcherId voter) {
        votes.add(voter);
    }

    public boolean won() {
        return votes.size() >= needed;
    }

    public long term() {
        return term;
    }

    public int votes() {
        return votes.size();
    }

    public int needed() {
        return needed;
    }

    public boolean manual() {
        return manual;
    }

    /** The node an operator asked for, or null to let the leader choose. */
    public NodeId target() {
        return target;
    }
}
