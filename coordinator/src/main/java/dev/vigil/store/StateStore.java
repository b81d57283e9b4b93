package dev.vigil.store;

import dev.vigil.core.GroupId;

/**
 * Durable per-group state. {@link #save} returns only once the value would survive a crash
 * (temp file, fsync, rename, fsync dir); the protocol calls it before any reply that depends
 * on it.
 */
public interface StateStore<V> {
    /** The saved value, or null if none was ever saved. */
    V load(GroupId group);

    void save(GroupId group, V value);
}
