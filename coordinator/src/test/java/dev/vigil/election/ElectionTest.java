package dev.vigil.election;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.core.WatcherId;
import org.junit.jupiter.api.Test;

class ElectionTest {
    private static final WatcherId W1 = new WatcherId("w1");
    private static final WatcherId W2 = new WatcherId("w2");
    private static final WatcherId W3 = new WatcherId("w3");

    @Test
    void isWonAtTheNeededNumberOfDistinctVoters() {
        var e = new Election(4, 3, false, null);

        e.grant(W1);
        e.grant(W2);
        assertFalse(e.won());

        e.grant(W3);
        assertTrue(e.won());
        assertEquals(3, e.votes());
    }

    @Test
    void duplicateVotesDoNotCount() {
        var e = new Election(4, 2, false, null);

        e.grant(W1);
        e.grant(W1);
        e.grant(new WatcherId("w1"));

        assertFalse(e.won());
        assertEquals(1, e.votes());
    }

    @Test
    void notWonWithNoVotes() {
        assertFalse(new Election(1, 1, true, null).won());
    }
}
