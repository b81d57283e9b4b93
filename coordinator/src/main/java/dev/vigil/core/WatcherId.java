package dev.vigil.core;

/** Identity of a voting watcher, as named in the cluster file. */
public record WatcherId(String value) implements Comparable<WatcherId> {
    public WatcherId {
        Ids.check("watcher id", value);
    }

    @Override
    public int compareTo(WatcherId o) {
        return value.compareTo(o.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
