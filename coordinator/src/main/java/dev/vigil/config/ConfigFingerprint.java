package dev.vigil.config;

import dev.vigil.core.WatcherId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * The fingerprint of everything in the cluster file that decides one group's votes and
 * majorities: the set of voting watchers, and the group's id, quorum, initial primary, nodes
 * with their priorities and timings. The first 12 hex digits of SHA-256 over a canonical text
 * of those values, so two hosts agree on it exactly when they would count the same majorities
 * and vote by the same rules.
 *
 * <p>Ids only, never addresses: moving a watcher or an agent to another address changes no
 * majority, and must not make a cluster refuse itself. Watchers and nodes are sorted by id, since
 * their order in the file decides nothing (candidacy order and ties go by id). Hooks, the
 * floating IP, the service check and TLS are left out: they change what a host does, not who
 * may vote or how many votes win.
 */
public final class ConfigFingerprint {
    /** Hex digits kept: 48 bits, enough that two versions of a file never collide by chance. */
    public static final int LENGTH = 12;

    private ConfigFingerprint() {}

    public static String of(List<WatcherId> watchers, GroupConfig g) {
        return hash(canonical(watchers, g));
    }

    /** The text that is hashed, one {@code key=value} line each; ids cannot hold '=', ',', ':' or a newline. */
    static String canonical(List<WatcherId> watchers, GroupConfig g) {
        var sb = new StringBuilder("vigil-config-fingerprint-v1\n");
        sb.append("watchers=");
        watchers.stream().map(WatcherId::value).sorted().forEach(w -> sb.append(w).append(','));
        sb.append("\ngroup=").append(g.id().value());
        sb.append("\nquorum=").append(g.quorum());
        sb.append("\ninitial-primary=").append(g.initialPrimary().value());
        sb.append("\nnodes=");
        g.nodes().stream().sorted(Comparator.comparing(n -> n.id().value()))
                .forEach(n -> sb.append(n.id().value()).append(':').append(n.priority()).append(','));
        Timings t = g.timings();
        sb.append("\ntimings=").append(t.probeIntervalMs()).append(',').append(t.probeTimeoutMs()).append(',')
                .append(t.reprobeIntervalMs()).append(',').append(t.downAfterMs()).append(',')
                .append(t.fenceAfterMs()).append(',').append(t.failoverTimeoutMs()).append('\n');
        return sb.toString();
    }

    private static String hash(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d).substring(0, LENGTH);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
