package dev.vigil.store;

import dev.vigil.core.GroupId;
import java.util.HashMap;
import java.util.Map;

/** A store in memory: for tests and the simulator, where it outlives the processes that use it. */
public final class MemoryStateStore<V> implements StateStore<V> {
    private final Map<GroupId, V> values = new HashMap<>();

    @Override
    public V load(GroupId group) {
        return values.get(group);
    }

    @Override
    public void save(GroupId group, V value) {
        values.put(group, value);
    }
}
