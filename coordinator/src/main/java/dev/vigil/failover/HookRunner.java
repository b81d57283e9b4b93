package dev.vigil.failover;

import java.util.function.Consumer;

/**
 * Runs a group's hook. The real runner starts a process (argv, fixed environment, timeout then
 * kill, output to the log); the simulator's changes its model of the floating IP. {@code done}
 * runs on the caller's scheduler thread, exactly once.
 */
@FunctionalInterface
public interface HookRunner {
    void run(HookCall call, Consumer<HookResult> done);
}
