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
        lease.probe(W1, 1_000, EPOCH);
        assertFalse(lease.held(1_000, EPOCH));

        lease.probe(W2, 1_000, EPOCH);
        assertTrue(lease.held(1_000, EPOCH));
        assertEquals(2, lease.live(1_000, EPOCH));
    }

    @Test
    void ackOlderThanFenceAfterDoesNotCount() {
        lease.probe(W1, 1_000, EPOCH);
        lease.probe(W2, 1_000, EPOCH);

        assertTrue(lease.held(1_000 + FENCE_AFTER, EPOCH));
        assertFalse(lease.held(1_000 + FENCE_AFTER + 1, EPOCH));
        assertEquals(0, lease.live(1_000 + FENCE_AFTER + 1, EPOCH));
    }

    @Test
    void vouchTermNewerThanTheEpochDoesNotCount() {
        lease.probe(W1, 1_000, EPOCH + 1);
        lease.probe(W2, 1_000, EPOCH);

        assertFalse(lease.held(1_000, EPOCH));
        assertEquals(1, lease.live(1_000, EPOCH));
        assertTrue(lease.held(1_000, EPOCH + 1), "once the agent knows the newer epoch the vouch counts again");
    }

    @Test
    void olderAckArrivingLateIsIgnored() {
        lease.probe(W1, 2_000, EPOCH + 1);
        lease.probe(W1, 1_000, EPOCH);
        lease.probe(W2, 2_000, EPOCH);

        assertFalse(lease.held(2_000, EPOCH), "the delayed probe must not restore the withdrawn vouch");
    }

    @Test
    void olderAckCannotShortenTheLeaseEither() {
        lease.probe(W1, 3_000, EPOCH);
        lease.probe(W1, 1_000, EPOCH);
        lease.probe(W2, 3_000, EPOCH);

        assertTrue(lease.held(1_000 + FENCE_AFTER + 1, EPOCH));
    }

    @Test
    void onATieTheHigherVouchTermWins() {
        lease.probe(W1, 1_000, EPOCH + 1);
        lease.probe(W1, 1_000, EPOCH);
        lease.probe(W2, 1_000, EPOCH);

        assertFalse(lease.held(1_000, EPOCH));

        lease.probe(W2, 1_000, EPOCH + 1);
        assertEquals(0, lease.live(1_000, EPOCH));
    }

    @Test
    void expiresWhenTheMajorityThFreshestAckLapses() {
        lease.probe(W1, 1_000, EPOCH);
        lease.probe(W2, 3_000, EPOCH);
        lease.probe(W3, 2_000, EPOCH);

        long at = lease.expiresAt(3_000, EPOCH);

        assertEquals(2_000 + FENCE_AFTER + 1, at);
        assertTrue(lease.held(at - 1, EPOCH));
        assertFalse(lease.held(at, EPOCH));
    }

    @Test
    void expiresAtIgnoresAcksThatDoNotCount() {
        lease.probe(W1, 1_000, EPOCH);
        lease.probe(W2, 3_000, EPOCH + 1);
        lease.probe(W3, 2_000, EPOCH);

        assertEquals(1_000 + FENCE_AFTER + 1, lease.expiresAt(3_000, EPOCH));
    }

    @Test
    void expiresAtIsMaxValueWhenNotHeld() {
        assertEquals(Long.MAX_VALUE, lease.expiresAt(0, EPOCH));

        lease.probe(W1, 1_000, EPOCH);
        assertEquals(Long.MAX_VALUE, lease.expiresAt(1_000, EPOCH));

        lease.probe(W2, 1_000, EPOCH);
        assertEquals(Long.MAX_VALUE, lease.expiresAt(1_000 + FENCE_AFTER + 1, EPOCH));
    }

    @Test
    void clearForgetsEveryAck() {
        lease.probe(W1, 1_000, EPOCH);
        lease.probe(W2, 1_000, EPOCH);

        lease.clear();

        assertFalse(lease.held(1_000, EPOCH));
    }
}
