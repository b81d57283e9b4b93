package dev.vigil.sim;

import dev.vigil.agent.FencingRule;
import dev.vigil.detection.AckRule;
import dev.vigil.election.VoteRule;

/**
 * The protocol rules a simulated cluster runs, and the one disk fault a test may plant: {@link
 * #NONE} is Vigil as it is; {@code CheckerBitesTest} plants a faulty rule in each place and
 * proves that the invariants catch it. {@code lazyWatcherDisk}: a watcher's save returns before
 * the value is durable (it is written {@code StateStore.LATER_MS} later), as if the vote were
 * answered or gossiped before its record reached the disk.
 */
public record Plant(VoteRule votes, FencingRule fencing, AckRule acks, boolean lazyWatcherDisk) {
    public static final Plant NONE = new Plant(VoteRule.STANDARD, FencingRule.STANDARD, AckRule.STANDARD, false);
}
