package dev.vigil.election;

import dev.vigil.core.GroupId;
import dev.vigil.core.NodeId;
import dev.vigil.core.WatcherId;
import dev.vigil.store.StateStore;
import dev.vigil.store.WatcherState;

/**
 * A watcher's durable election state for one group: the term, the vote cast in it, the config
 * epoch and its primary, and the last vote cast at all (with the epoch it was cast against).
 * Disk first: every change is saved before memory takes it, so a save that fails (it throws)
 * leaves the ballot as it was, and nothing that depends on the change (a vote reply, gossip of
 * the new term) can go out. Terms and epochs only grow.
 */
public final class Ballot {
    private final GroupId group;
    private final StateStore<WatcherState> store;
    private long term;
    private WatcherId votedFor;
    private long lastVoteTerm;
    private long lastVoteEpoch;
    private long epoch;
    private NodeId primary;
    private long voteAt;
    /** The one node a manual vote vouches for; null: every node (an automatic vote, or one restored from disk). */
    private NodeId voteFor;
    private final boolean restored;

    /** Loads the saved state, or starts at term 0 with the configured primary. */
    public Ballot(GroupId group, NodeId initialPrimary, StateStore<WatcherState> store, long now) {
        this.group = group;
        this.store = store;
        WatcherState s = store.load(group);
        restored = s != null;
        if (s == null) {
            primary = initialPrimary;
            voteAt = Long.MIN_VALUE / 2;
        } else {
            term = s.term();
            votedFor = s.votedFor();
            lastVoteTerm = s.lastVoteTerm();
            lastVoteEpoch = s.lastVoteEpoch();
            epoch = s.configEpoch();
            primary = s.primary();
            // The time of a vote is not kept across a restart: count it from now, the safe side.
            voteAt = now;
        }
    }

    /** True if the ballot was restored from the store (the watcher restarted). */
    public boolean restored() {
        return restored;
    }

    public long term() {
        return term;
    }

    public WatcherId votedFor() {
        return votedFor;
    }

    public long epoch() {
        return epoch;
    }

    public NodeId primary() {
        return primary;
    }

    public long voteAt() {
        return voteAt;
    }

    /** Adopts a higher term (forgetting the vote of the old one); true if it was higher. */
    public boolean observe(long seen) {
        if (seen <= term) {
            return false;
        }
        store.save(group, new WatcherState(seen, null, lastVoteTerm, lastVoteEpoch, epoch, primary));
        term = seen;
        votedFor = null;
        return true;
    }

    /**
     * Records this watcher's vote in {@code inTerm}; whether to cast it is {@link VoteRule}'s
     * decision. From now on this watcher vouches with {@code inTerm} ({@link #vouchTerm}) for
     * every node ({@code onlyFor} null: an automatic failover, where the old primary's lease from
     * this watcher ends and the node the leader promotes gets one), or only for {@code onlyFor},
     * the target of a manual switchover, whose leader demotes and releases the old primary first,
     * in graceful order: the old primary keeps this watcher's vouch until then.
     */
    public void vote(WatcherId candidate, long inTerm, long now, NodeId onlyFor) {
        store.save(group, new WatcherState(inTerm, candidate, inTerm, epoch, epoch, primary));
        term = inTerm;
        votedFor = candidate;
        lastVoteTerm = inTerm;
        lastVoteEpoch = epoch;
        voteAt = now;
        voteFor = onlyFor;
    }

    /**
     * After a start without state ({@link Catchup}): raises the term to {@code learned}, the
     * highest a majority of peers knows, and counts its vote there as cast, for {@code self}, since
     * this watcher may have voted in it before its state was lost.
     */
    public void abstain(WatcherId self, long learned) {
        if (learned < term || (learned == term && votedFor != null)) {
            return;
        }
        store.save(group, new WatcherState(learned, self, lastVoteTerm, lastVoteEpoch, epoch, primary));
        term = learned;
        votedFor = self;
    }

    /** Installs a newer config epoch; false if it is not newer. */
    public boolean install(long newEpoch, NodeId newPrimary) {
        if (newEpoch <= epoch) {
            return false;
        }
        boolean newTerm = newEpoch > term;
        store.save(group, new WatcherState(newTerm ? newEpoch : term, newTerm ? null : votedFor, lastVoteTerm, lastVoteEpoch,
                newEpoch, newPrimary));
        epoch = newEpoch;
        primary = newPrimary;
        if (newTerm) {
            term = newEpoch;
            votedFor = null;
        }
        return true;
    }

    /**
     * The term this watcher vouches with in probes of {@code node}: while a vote it cast may
     * still be acted on, that vote's term for the nodes the vote covers (above the old primary's
     * epoch, so its lease stops counting this watcher; the epoch of the node the leader promotes,
     * so its lease counts it); otherwise the epoch. A vote stops mattering {@code withdrawalMs}
     * after it was cast: its leader gives up after failover-timeout, and the node it promoted
     * counts older vouches for at most half a failover-timeout after its Promote arrived
     * (dev.vigil.agent.Lease), so the old primary regains a lease from this watcher only once
     * no late promotion can take the IP on it. A vote ends once an epoch as new as its term is
     * installed, not when an older one is learned late (a switchover that completed unseen).
     */
    public long vouchTerm(long now, long withdrawalMs, NodeId node) {
        boolean active = lastVoteTerm > epoch && now - voteAt < withdrawalMs && (voteFor == null || voteFor.equals(node));
        return active ? lastVoteTerm : epoch;
    }
}
