package dev.vigil.sim;

import dev.vigil.time.Scheduler;

/**
 * The scheduler one incarnation of a simulated process sees. Its clock is its host's monotonic
 * clock: virtual time plus the host's {@code origin}, which differs from host to host and changes
 * when the host reboots, so nothing may compare one host's stamps with another's.
 */
final class SimScheduler implements Scheduler {
    private final SimWorld world;
    private final SimWorld.Proc proc;
    private final int incarnation;
    private final long origin;

    SimScheduler(SimWorld world, SimWorld.Proc proc, long origin) {
        this.world = world;
        this.proc = proc;
        this.incarnation = proc.incarnation;
        this.origin = origin;
    }

    @Override
    public long nowMillis() {
        return world.now() + origin;
    }

    @Override
    public Timer schedule(long delayMillis, Runnable task) {
        SimWorld.Task t = world.at(world.now() + Math.max(0, delayMillis), proc, incarnation, task);
        return () -> t.cancelled = true;
    }
}
