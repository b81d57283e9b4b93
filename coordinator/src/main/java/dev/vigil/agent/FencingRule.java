package dev.vigil.agent;

/**
 * Whether an agent refuses a command because of its term (DESIGN.md step 7). {@link #STANDARD}
 * is the only rule Vigil runs; the interface lets tests plant a faulty one and prove that the
 * simulator catches it.
 */
@FunctionalInterface
public interface FencingRule {
    boolean stale(long requestTerm, long highestTerm);

    FencingRule STANDARD = (requestTerm, highestTerm) -> requestTerm < highestTerm;
}
