package dev.vigil.store;

import dev.vigil.core.GroupId;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A store in memory: for tests and the simulator, where it is the disk and outlives the
 * processes that use it. A {@link #saveLater} value is written {@link #LATER_MS} after it was
 * first pending, by the clock given; {@link #crash} loses what was not yet written, as a killed
 * process loses {@link FileStateStore}'s queue.
 */
public final class MemoryStateStore<V> implements StateStore<V> {
    private record Pending<V>(V value, long dueAt) {}

    private final Map<GroupId, V> written = new HashMap<>();
    private final Map<GroupId, Pending<V>> pending = new HashMap<>();
    private final LongSupplier clock;

    /** A store whose pending values are never due: only {@link #crash} with a clock tells them apart. */
    public MemoryStateStore() {
        this(() -> Long.MIN_VALUE);
    }

    public MemoryStateStore(LongSupplier clock) {
        this.clock = clock;
    }

    @Override
    public V load(GroupId group) {
        Pending<V> p = pending.get(group);
        return p != null ? p.value : written.get(group);
    }

    @Override
    public void save(GroupId group, V value) {
        pending.remove(group);
        written.put(group, value);
    }

    @Override
    public void saveLater(GroupId group, V value) {
        Pending<V> p = pending.get(group);
        pending.put(group, new Pending<>(value, p != null ? p.dueAt : clock.getAsLong() + LATER_MS));
    }

    /** What a crash now would leave. */
    public V durable(GroupId group) {
        Pending<V> p = pending.get(group);
        return p != null && p.dueAt <= clock.getAsLong() ? p.value : written.get(group);
    }

    /** The disk was replaced or the state directory deleted: nothing is left. */
    public void wipe() {
        written.clear();
        pending.clear();
    }

    /** The process using the store died: values already due were written, the others are lost. */
    public void crash() {
        long now = clock.getAsLong();
        pending.forEach((g, p) -> {
            if (p.dueAt <= now) {
                written.put(g, p.value);
            }
        });
        pending.clear();
    }
}
