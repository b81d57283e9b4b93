package dev.vigil.health;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DebounceTest {
    /** Feeds results ('+' ok, '-' failed); returns the verdict changes, '.' where none. */
    private static String run(String results) {
        var d = new Debounce();
        var out = new StringBuilder();
        for (char c : results.toCharArray()) {
            Optional<Boolean> v = d.next(c == '+');
            out.append(v.map(ok -> ok ? '+' : '-').orElse('.'));
        }
        return out.toString();
    }

    @Test
    void theFirstSuccessIsAVerdict() {
        assertEquals("+...", run("++++"));
    }

    @Test
    void oneFailureIsNotAVerdict() {
        assertEquals("+.....", run("+-+-+-"));
    }

    @Test
    void twoFailuresInARowAre() {
        assertEquals("+.-..", run("+----"));
    }

    @Test
    void oneSuccessRecovers() {
        assertEquals("+.-+.-", run("+--+--"));
    }

    @Test
    void failingFromTheStartIsReportedAtTheSecondFailure() {
        assertEquals(".-.+", run("---+"));
    }

    @Test
    void countsConsecutiveFailures() {
        var d = new Debounce();
        List<Integer> counts = new ArrayList<>();
        for (boolean ok : new boolean[] {false, false, false, true, false}) {
            d.next(ok);
            counts.add(d.failures());
        }
        assertEquals(List.of(1, 2, 3, 0, 1), counts);
    }
}
