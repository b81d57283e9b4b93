package dev.vigil.election;

import java.util.HashSet;
import java.util.Set;

/**
 * What a process that starts without state (a first start, a replaced disk, a deleted state
 * directory) waits for before it votes or obeys, pure: the views of {@code needed} distinct
 * peers, and at least {@code settleMs} since its start. It cannot know which terms it voted or
 * obeyed in before; a majority of the other watchers, as answered, holds every term in which a
 * majority voted (the two sets intersect), and after {@code settleMs} (an election's longest
 * life) no election its lost votes went to is still counting them. The caller raises its term to
 * the highest it heard and abstains in that term.
 */
public final class Catchup {
    private final int needed;
    private final long notBefore;
    private final Set<String> heard = new HashSet<>();
    private long highestTerm;

    /** {@code needed}: distinct peers to hear from; 0 means nothing to learn (a lone watcher). */
    public Catchup(int needed, long startedAt, long settleMs) {
        this.needed = needed;
        this.notBefore = startedAt + settleMs;
    }

    /** How many others of {@code members} configured watchers must answer: a majority of all, at most all the others. */
    public static int needed(int members) {
        return Math.min(members / 2 + 1, members - 1);
    }

    /** A peer's view arrived, with the term it is in. */
    public void heard(String peer, long term) {
        heard.add(peer);
        highestTerm = Math.max(highestTerm, term);
    }

    public boolean done(long now) {
        return heard.size() >= needed && now >= notBefore;
    }

    /** The highest term heard so far. */
    public long highestTerm() {
        return highestTerm;
    }

    /** For log lines and refusals: how far it has got. */
    public String progress() {
        return "no state on disk: learning terms from the other watchers, " + heard.size() + " of " + needed
                + " heard so far";
    }
}
