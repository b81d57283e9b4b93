package dev.vigil.sim;

import dev.vigil.time.Scheduler;

/** The scheduler one incarnation of a simulated process sees. */
final class SimScheduler implements Scheduler {
    private final SimWorld world;
    private final SimWorld.Proc proc;
    private final int incarnation;

    SimScheduler(SimWorld world, SimWorld.Proc proc) {
        this.world = world;
        this.proc = proc;
        this.incarnation = proc.incarnation;
    }

    @Override
    public long nowMillis() {
        return world.now();
    }

    @Override
    public Timer schedule(long delayMillis, Runnable task) {
        SimWorld.Task t = world.at(world.now() + Math.max(0, delayMillis), proc, incarnation, task);
        return () -> t.cancelled = true;
    }
}
