package dev.vigil.failover;

/** The hooks a group may configure; each runs with the fixed environment of DESIGN.md. */
public enum HookKind {
    PROMOTE, DEMOTE, ACQUIRE, RELEASE, FENCE, NOTIFY;

    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
