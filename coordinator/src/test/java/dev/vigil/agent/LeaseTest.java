package dev.vigil.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.core.WatcherId;
import org.junit.jupiter.api.Test;

class LeaseTest {
    private static final long FENCE_AFTER = 3_750;
    private static final long EPOCH = 2;
    private static final WatcherId W1 = new WatcherId("w1");
    private static final WatcherId W2 = new WatcherId("w2");
    private static final WatcherId W3 = new WatcherId("w3");

    /** Three watchers, majority two. */
    private final Lease lease = new Lease(FENCE_AFTER, 2);

    @Test
    void heldWithAMajorityOfFreshAcks() {
        lease.probe(W1, 1_000, EPOCH, true);
        assertFalse(lease.held(1_000, EPOCH));

        lease.probe(W2, 1_000, EPOCH, true);
        assertTrue(lease.held(1_000, EPOCH));
        assertEquals(2, lease.live(1_000, EPOCH));
    }

    @Test
    void ackOlderThanFenceAfterDoesNotCount() {
        lease.probe(W1, 1_000, EPOCH, true);
        lease.probe(W2, 1_000, EPOCH, true);

        assertTrue(lease.held(1_000 + FENCE_AFTER, EPOCH));
        assertFalse(lease.held(1_000 + FENCE_AFTER + 1, EPOCH));
        assertEquals(0, lease.live(1_000 + FENCE_AFTER + 1, EPOCH));
    }

    @Test
    void vouchTermNewerThanTheEpochDoesNotCount() {
        lease.probe(W1, 1_000, EPOCH + 1, true);
        lease.probe(W2, 1_000, EPOCH, true);

        assertFalse(lease.held(1_000, EPOCH));
        assertEquals(1, lease.live(1_000, EPOCH));
        assertTrue(lease.held(1_000, EPOCH + 1), "once the agent knows the newer epoch the vouch counts again");
    }

    @Test
    void olderAckArrivingLateIsIgnored() {
        lease.probe(W1, 2_000, EPOCH + 1, true);
        lease.probe(W1, 1_000, EPOCH, true);
        lease.probe(W2, 2_000, EPOCH, true);

        assertFalse(lease.held(2_000, EPOCH), "the delayed probe must not restore the withdrawn vouch");
    }

    @Test
    void olderAckCannotShortenTheLeaseEither() {
        lease.probe(W1, 3_000, EPOCH, true);
        lease.probe(W1, 1_000, EPOCH, true);
        lease.probe(W2, 3_000, EPOCH, true);

        assertTrue(lease.held(1_000 + FENCE_AFTER + 1, EPOCH));
    }

    @Test
    void onATieTheHigherVouchTermWins() {
        lease.probe(W1, 1_000, EPOCH + 1, true);
        lease.probe(W1, 1_000, EPOCH, true);
        lease.probe(W2, 1_000, EPOCH, true);

        assertFalse(lease.held(1_000, EPOCH));

        lease.probe(W2, 1_000, EPOCH + 1, true);
        assertEquals(0, lease.live(1_000, EPOCH));
    }

    @Test
    void expiresWhenTheMajorityThFreshestAckLapses() {
        lease.probe(W1, 1_000, EPOCH, true);
        lease.probe(W2, 3_000, EPOCH, true);
        lease.probe(W3, 2_000, EPOCH, true);

        long at = lease.expiresAt(3_000, EPOCH);

        assertEquals(2_000 + FENCE_AFTER + 1, at);
        assertTrue(lease.held(at - 1, EPOCH));
        assertFalse(lease.held(at, EPOCH));
    }

    @Test
    void expiresAtIgnoresAcksThatDoNotCount() {
        lease.probe(W1, 1_000, EPOCH, true);
        lease.probe(W2, 3_000, EPOCH + 1, true);
        lease.probe(W3, 2_000, EPOCH, true);

        assertEquals(1_000 + FENCE_AFTER + 1, lease.expiresAt(3_000, EPOCH));
    }

    @Test
    void expiresAtIsMaxValueWhenNotHeld() {
        assertEquals(Long.MAX_VALUE, lease.expiresAt(0, EPOCH));

        lease.probe(W1, 1_000, EPOCH, true);
        assertEquals(Long.MAX_VALUE, lease.expiresAt(1_000, EPOCH));

        lease.probe(W2, 1_000, EPOCH, true);
        assertEquals(Long.MAX_VALUE, lease.expiresAt(1_000 + FENCE_AFTER + 1, EPOCH));
    }

    @Test
    void clearForgetsEveryAck() {
        lease.probe(W1, 1_000, EPOCH, true);
        lease.probe(W2, 1_000, EPOCH, true);

        lease.clear();

        assertFalse(lease.held(1_000, EPOCH));
    }

    /**
     * A node promoted in term 5 whose failover was given up: the watchers' votes have expired and
     * they vouch with the old epoch 2 again, for the old primary they name. Those vouches count
     * here only in the window right after the Promote, not later: else both nodes hold leases.
     */
    @Test
    void olderVouchesForAnotherPrimaryCountOnlyInThePromotesWindow() {
        long promoted = 5;
        lease.promoted(2_000);
        lease.probe(W1, 1_000, EPOCH, false);
        lease.probe(W2, 1_000, EPOCH, false);

        assertTrue(lease.held(1_500, promoted), "within the window: the voters' new term has not come yet");
        assertFalse(lease.held(2_000, promoted), "after it: no lease from watchers that name another primary");

        lease.probe(W1, 1_900, promoted, false);
        lease.probe(W2, 1_900, EPOCH, true);
        assertTrue(lease.held(2_500, promoted), "a vouch of its own epoch, and an older one that names it, count");
    }
}
