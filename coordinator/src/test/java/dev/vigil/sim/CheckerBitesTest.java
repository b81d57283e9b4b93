package dev.vigil.sim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.agent.FencingRule;
import dev.vigil.election.VoteRule;
import dev.vigil.election.VoterView;
import java.util.Optional;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * Proof that the simulator's checker catches real bugs: a planted fault in the protocol must
 * make some seed within 10,000 report the invariant it breaks. If these tests fail, the
 * simulator has gone blind and a green {@link SimulationSeedsTest} means nothing.
 */
class CheckerBitesTest {
    private static final int BUDGET = 10_000;

    /** A watcher that forgets it already voted in this term. */
    private static final VoteRule DOUBLE_VOTE = (v, r) -> VoteRule.STANDARD.refusal(
            new VoterView(v.term(), null, v.configEpoch(), v.primary(), v.tilt(), v.primarySilentMs(),
                    v.silenceNeededMs(), v.coolingDown(), v.targetAnswers()), r);

    /** An agent that never checks the fencing token. */
    private static final FencingRule NO_FENCING = (requestTerm, highestTerm) -> false;

    @Test
    void aWatcherThatVotesTwiceInATermIsCaught() {
        Simulation.Result r = firstViolation(DOUBLE_VOTE, FencingRule.STANDARD)
                .orElseThrow(() -> new AssertionError("no seed in " + BUDGET + " caught a double vote"));
        System.out.println("double vote caught by seed " + r.seed() + ": " + r.violation());
        assertTrue(r.violation().startsWith("one vote per watcher per term")
                || r.violation().startsWith("one leader per term"), r.violation());
    }

    @Test
    void anAgentThatSkipsTheFencingTokenIsCaught() {
        Simulation.Result r = firstViolation(VoteRule.STANDARD, NO_FENCING)
                .orElseThrow(() -> new AssertionError("no seed in " + BUDGET + " caught a skipped fencing check"));
        System.out.println("skipped fencing caught by seed " + r.seed() + ": " + r.violation());
        assertTrue(r.violation().startsWith("agents never obey a lower term")
                || r.violation().startsWith("one primary per config epoch")
                || r.violation().startsWith("never two live holders"), r.violation());
    }

    private static Optional<Simulation.Result> firstViolation(VoteRule votes, FencingRule fencing) {
        return LongStream.rangeClosed(1, BUDGET).parallel()
                .mapToObj(s -> Simulation.run(s, s % 2 == 0 ? 3 : 5, votes, fencing, false))
                .filter(r -> !r.ok())
                .findFirst();
    }
}
