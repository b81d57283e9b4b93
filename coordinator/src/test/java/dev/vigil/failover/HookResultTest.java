package dev.vigil.failover;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.failover.HookResult.Outcome;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class HookResultTest {
    @ParameterizedTest(name = "exit {0} is {1}")
    @CsvSource({"0, OK", "1, RETRYABLE", "2, PERMANENT", "3, PERMANENT", "126, PERMANENT", "127, PERMANENT",
            "255, PERMANENT"})
    void exitCodeMapsToOutcome(int exit, Outcome expected) {
        HookResult r = HookResult.ofExit(exit, "out " + exit);

        assertEquals(expected, r.outcome());
        assertEquals(exit, r.exitCode());
        assertEquals("out " + exit, r.output());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Outcome.class)
    void onlyOkAndSkippedCountAsSucceeded(Outcome o) {
        assertEquals(o == Outcome.OK || o == Outcome.SKIPPED, o.succeeded());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Outcome.class, names = {"OK", "SKIPPED"})
    void constantsHaveTheirOutcomeAndExitZero(Outcome o) {
        HookResult r = o == Outcome.OK ? HookResult.OK : HookResult.SKIPPED;

        assertEquals(o, r.outcome());
        assertEquals(0, r.exitCode());
    }
}
