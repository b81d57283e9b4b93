package dev.vigil.sim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.agent.FencingRule;
import dev.vigil.detection.AckRule;
import dev.vigil.election.VoteRule;
import dev.vigil.election.VoterView;
import java.util.List;
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

    /** A watcher that votes in TILT, on timings it cannot trust. */
    private static final VoteRule VOTES_IN_TILT = (v, r) -> VoteRule.STANDARD.refusal(
            new VoterView(v.term(), v.votedFor(), v.configEpoch(), v.primary(), false, v.primarySilentMs(),
                    v.silenceNeededMs(), v.coolingDown(), v.targetAnswers()), r);

    /** An agent that never checks the fencing token. */
    private static final FencingRule NO_FENCING = (requestTerm, highestTerm) -> false;

    /** An agent that holds the IP as primary whatever its lease says. */
    private static final FencingRule IGNORES_LEASE = new FencingRule() {
        @Override
        public boolean stale(long requestTerm, long highestTerm) {
            return FencingRule.STANDARD.stale(requestTerm, highestTerm);
        }

        @Override
        public boolean mayHold(boolean leaseHeld) {
            return true;
        }
    };

    /** A watcher that keeps the highest stamp it ever saw, across the agent's reboots (the bug of issue 17.1). */
    private static final AckRule ACK_SURVIVES_REBOOT = (keptInc, keptStamp, keptSent, inc, stamp, sent) -> stamp > keptStamp;

    private static Plant plant(VoteRule votes, FencingRule fencing, AckRule acks, boolean lazyDisk) {
        return new Plant(votes, fencing, acks, lazyDisk);
    }

    @Test
    void aWatcherThatVotesTwiceInATermIsCaught() {
        caught("a double vote", plant(DOUBLE_VOTE, FencingRule.STANDARD, AckRule.STANDARD, false),
                "one vote per watcher per term", "one leader per term");
    }

    @Test
    void anAgentThatSkipsTheFencingTokenIsCaught() {
        caught("a skipped fencing check", plant(VoteRule.STANDARD, NO_FENCING, AckRule.STANDARD, false),
                "agents' fencing tokens and epochs only grow", "one primary per config epoch",
                "no acquire while another live holder keeps its lease", "two live holders");
    }

    @Test
    void anAgentThatIgnoresItsLeaseIsCaught() {
        caught("an agent ignoring its lease", plant(VoteRule.STANDARD, IGNORES_LEASE, AckRule.STANDARD, false),
                "no acquire while another live holder keeps its lease", "two live holders");
    }

    @Test
    void aWatcherThatVotesInTiltIsCaught() {
        caught("a vote in TILT", plant(VOTES_IN_TILT, FencingRule.STANDARD, AckRule.STANDARD, false),
                "no SDOWN report, vote or failover in TILT");
    }

    @Test
    void anAckThatSurvivesARebootIsCaught() {
        caught("an ack surviving a reboot", plant(VoteRule.STANDARD, FencingRule.STANDARD, ACK_SURVIVES_REBOOT, false),
                "liveness");
    }

    @Test
    void aSaveThatHappensAfterTheAnswerIsCaught() {
        caught("a save after the answer", plant(VoteRule.STANDARD, FencingRule.STANDARD, AckRule.STANDARD, true),
                "one vote per watcher per term", "watchers' terms and epochs only grow", "one leader per term");
    }

    private static void caught(String bug, Plant plant, String... invariants) {
        Simulation.Result r = firstViolation(plant)
                .orElseThrow(() -> new AssertionError("no seed in " + BUDGET + " caught " + bug));
        System.out.println(bug + " caught by seed " + r.seed() + ": " + r.violation());
        assertTrue(List.of(invariants).stream().anyMatch(r.violation()::startsWith), r.violation());
    }

    private static Optional<Simulation.Result> firstViolation(Plant plant) {
        return LongStream.rangeClosed(1, BUDGET).parallel()
                .mapToObj(s -> Simulation.run(s, s % 2 == 0 ? 3 : 5, plant, false))
                .filter(r -> !r.ok())
                .findFirst();
    }
}
