package dev.vigil.store;

import dev.vigil.core.GroupId;

/**
 * Durable per-group state. {@link #save} returns only once the value would survive a crash
 * (temp file, fsync, rename, fsync dir); the protocol calls it before any reply or hook that
 * depends on it. {@link #saveLater} is for a value whose loss in a crash is harmless, because it
 * only makes the next start do more: it returns at once and the value reaches the disk about
 * {@link #LATER_MS} later, off the caller's thread, unless a {@link #save} of the group comes
 * first and supersedes it. So the protocol's thread never waits on a disk for such a value, and
 * a value that is soon undone (a release the next probe round reverses) is never written.
 */
public interface StateStore<V> {
    /** How long a {@link #saveLater} value waits before it is written. */
    long LATER_MS = 5_000;

    /** The latest value saved, or null if none was ever saved. */
    V load(GroupId group);

    /** Durable on return; writes nothing when the disk already holds exactly this value. */
    void save(GroupId group, V value);

    void saveLater(GroupId group, V value);
}
