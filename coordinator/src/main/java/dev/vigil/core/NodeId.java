package dev.vigil.core;

/** Identity of a node (a host of an HA group running an agent), as named in the cluster file. */
public record NodeId(String value) implements Comparable<NodeId> {
    public NodeId {
        Ids.check("node id", value);
    }

    @Override
    public int compareTo(NodeId o) {
        return value.compareTo(o.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
