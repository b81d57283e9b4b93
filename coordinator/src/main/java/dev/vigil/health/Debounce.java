package dev.vigil.health;

import java.util.Optional;

/**
 * Turns a stream of check results into a verdict that does not flap: not ok only after
 * {@value #FAILURES_TO_DOWN} failures in a row, ok again after one success. A single slow or
 * failed check (a GC pause in the service, a busy host) then costs nothing, while a service that
 * is really down is reported one re-check later, and a recovered one at once. There is no
 * verdict before the first result; the agent counts its service as working until told otherwise.
 */
final class Debounce {
    static final int FAILURES_TO_DOWN = 2;

    private Boolean verdict;
    private int failures;

    /** Takes one result; returns the new verdict if it changed. */
    Optional<Boolean> next(boolean ok) {
        failures = ok ? 0 : failures + 1;
        if (!ok && failures < FAILURES_TO_DOWN) {
            return Optional.empty();
        }
        if (verdict != null && verdict == ok) {
            return Optional.empty();
        }
        verdict = ok;
        return Optional.of(ok);
    }

    /** Consecutive failures so far. */
    int failures() {
        return failures;
    }
}
