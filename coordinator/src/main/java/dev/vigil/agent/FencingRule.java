package dev.vigil.agent;

/**
 * How an agent fences itself: whether it refuses a command because of its term (DESIGN.md step
 * 7), and whether its lease lets it hold the IP (step 8: only while a majority vouches).
 * {@link #STANDARD} is the only rule Vigil runs; the interface lets tests plant a faulty one and
 * prove that the simulator catches it.
 */
@FunctionalInterface
public interface FencingRule {
    boolean stale(long requestTerm, long highestTerm);

    /** Whether a node may hold the IP, given whether a majority of watchers vouches for it. */
    default boolean mayHold(boolean leaseHeld) {
        return leaseHeld;
    }

    FencingRule STANDARD = (requestTerm, highestTerm) -> requestTerm < highestTerm;
}
