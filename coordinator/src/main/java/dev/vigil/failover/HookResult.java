package dev.vigil.failover;

/**
 * How a hook ended. Exit 0 is {@link Outcome#OK}, 1 {@link Outcome#RETRYABLE}, 2 and above
 * {@link Outcome#PERMANENT}; killed after its timeout is {@link Outcome#TIMEOUT} (retryable);
 * a hook the group does not configure is {@link Outcome#SKIPPED}.
 */
public record HookResult(Outcome outcome, int exitCode, String output) {
    public enum Outcome {
        OK, SKIPPED, RETRYABLE, TIMEOUT, PERMANENT;

        public boolean succeeded() {
            return this == OK || this == SKIPPED;
        }
    }

    public static HookResult ofExit(int exitCode, String output) {
        Outcome o = exitCode == 0 ? Outcome.OK : exitCode == 1 ? Outcome.RETRYABLE : Outcome.PERMANENT;
        return new HookResult(o, exitCode, output);
    }

    public static final HookResult OK = new HookResult(Outcome.OK, 0, "");
    public static final HookResult SKIPPED = new HookResult(Outcome.SKIPPED, 0, "");
}
