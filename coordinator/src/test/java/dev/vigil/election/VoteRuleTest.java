package dev.vigil.election;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.core.GroupId;
import dev.vigil.core.NodeId;
import dev.vigil.core.WatcherId;
import dev.vigil.transport.VoteRequest;
import org.junit.jupiter.api.Test;

class VoteRuleTest {
    private static final GroupId WEB = new GroupId("web");
    private static final WatcherId ME = new WatcherId("w1");
    private static final WatcherId CANDIDATE = new WatcherId("w2");
    private static final WatcherId OTHER = new WatcherId("w3");
    private static final NodeId PRIMARY = new NodeId("n1");
    private static final NodeId STANDBY = new NodeId("n2");
    private static final long TERM = 7;
    private static final long EPOCH = 5;
    private static final long FENCE_AFTER = 3_750;

    /** A voter in term 7, epoch 5, no vote cast yet, not in TILT, primary silent past fence-after. */
    private static VoterView voter() {
        return new VoterView(TERM, null, EPOCH, PRIMARY, false, FENCE_AFTER + 1, FENCE_AFTER, false, true);
    }

    private static VoteRequest request() {
        return new VoteRequest(WEB, CANDIDATE, TERM, EPOCH, false, null, "");
    }

    private static VoteRequest manual() {
        return new VoteRequest(WEB, CANDIDATE, TERM, EPOCH, true, STANDBY, "");
    }

    private static String refusal(VoterView v, VoteRequest r) {
        return VoteRule.STANDARD.refusal(v, r);
    }

    private static void assertRefused(String reason, String... words) {
        assertNotNull(reason, "vote should be refused");
        for (String w : words) {
            assertTrue(reason.contains(w), () -> "reason should mention '" + w + "': " + reason);
        }
    }

    @Test
    void grantsInTheNormalCase() {
        assertNull(refusal(voter(), request()));
    }

    @Test
    void refusesStaleTerm() {
        var r = new VoteRequest(WEB, CANDIDATE, TERM - 1, EPOCH, false, null, "");

        assertRefused(refusal(voter(), r), "stale term", "6", "7");
    }

    @Test
    void refusesWhenAlreadyVotedForAnotherCandidateInTheTerm() {
        var v = new VoterView(TERM, OTHER, EPOCH, PRIMARY, false, FENCE_AFTER + 1, FENCE_AFTER, false, true);

        assertRefused(refusal(v, request()), "already voted", "w3");
        assertRefused(refusal(v, manual()), "already voted", "w3");
    }

    @Test
    void grantsAgainToTheCandidateItAlreadyVotedFor() {
        var v = new VoterView(TERM, CANDIDATE, EPOCH, PRIMARY, false, FENCE_AFTER + 1, FENCE_AFTER, false, true);

        assertNull(refusal(v, request()));
    }

    @Test
    void refusesDifferentConfigEpoch() {
        var older = new VoteRequest(WEB, CANDIDATE, TERM, EPOCH - 1, false, null, "");
        var newer = new VoteRequest(WEB, CANDIDATE, TERM, EPOCH + 1, true, STANDBY, "");

        assertRefused(refusal(voter(), older), "config epoch", "4", "5");
        assertRefused(refusal(voter(), newer), "config epoch", "6", "5");
    }

    @Test
    void refusesInTiltEvenForAManualSwitchover() {
        var v = new VoterView(TERM, null, EPOCH, PRIMARY, true, FENCE_AFTER + 1, FENCE_AFTER, false, true);

        assertRefused(refusal(v, request()), "tilt");
        assertRefused(refusal(v, manual()), "tilt");
    }

    @Test
    void refusesWhilePrimaryRepliedWithinFenceAfter() {
        var v = new VoterView(TERM, null, EPOCH, PRIMARY, false, FENCE_AFTER, FENCE_AFTER, false, true);

        assertRefused(refusal(v, request()), "primary n1", "fence-after", "3750");
    }

    @Test
    void manualSwitchoverWaivesPrimaryHealth() {
        var v = new VoterView(TERM, null, EPOCH, PRIMARY, false, 0, FENCE_AFTER, false, true);

        assertNull(refusal(v, manual()));
    }

    @Test
    void refusesWhileCoolingDownAfterAFailover() {
        var v = new VoterView(TERM, null, EPOCH, PRIMARY, false, FENCE_AFTER + 1, FENCE_AFTER, true, true);

        assertRefused(refusal(v, request()), "failover-timeout");
    }

    @Test
    void manualSwitchoverWaivesCoolingDown() {
        var v = new VoterView(TERM, null, EPOCH, PRIMARY, false, FENCE_AFTER + 1, FENCE_AFTER, true, true);

        assertNull(refusal(v, manual()));
    }

    @Test
    void refusesASwitchoverToATargetThatDoesNotAnswerThisVoter() {
        var v = new VoterView(TERM, null, EPOCH, PRIMARY, false, 0, FENCE_AFTER, false, false);

        assertRefused(refusal(v, manual()), "target n2", "does not answer");
        assertNull(refusal(new VoterView(TERM, null, EPOCH, PRIMARY, false, FENCE_AFTER + 1, FENCE_AFTER, false, false),
                request()), "an automatic failover's target is the leader's choice");
    }
}
