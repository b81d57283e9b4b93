package dev.vigil.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TableTest {
    @Test
    void alignsNumbersRightAndTextLeft() {
        String t = new Table("groups", "watcher", "cpu").add(1000, "w1", 0.5).add(10000, "w22", Double.NaN).toString();
        assertEquals("""
                groups  watcher  cpu
                ------  -------  ----
                  1000  w1       0.50
                 10000  w22         -
                """, t);
    }

    @Test
    void refusesARowOfTheWrongWidth() {
        assertThrows(IllegalArgumentException.class, () -> new Table("a", "b").add(1));
    }
}
