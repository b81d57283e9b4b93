package dev.vigil.core;

/** Identity of an HA group: a primary, its standbys and one floating IP. */
public record GroupId(String value) {
    public GroupId {
        Ids.check("group id", value);
    }

    @Override
    public String toString() {
        return value;
    }
}
