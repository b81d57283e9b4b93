package dev.vigil.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One host's bookkeeping of one group's config fingerprints (DESIGN.md, "One configuration"):
 * it compares the fingerprint each message carries with this host's, counts every mismatch per
 * peer, and emits {@link Event.ConfigMismatch} only on a peer's first mismatch and when its
 * fingerprint changes, and {@link Event.ConfigAgreed} when it matches again, so a peer on another
 * file costs one log line, not one per probe. What a mismatch means for the message (refused,
 * not counted) is the caller's decision; this class only tells whether the two agree.
 *
 * <p>Peers that have always agreed take no memory: a watcher of 10,000 groups keeps nothing here
 * until a host runs another file.
 */
public final class Fingerprints {
    public static final String WATCHER = "watcher";
    public static final String AGENT = "agent";

    /** A peer that has sent another fingerprint at least once: what it sent last, and how many did not match. */
    public record Peer(String kind, String id, String fingerprint, long mismatched) {}

    private static final class Seen {
        String fingerprint;
        long mismatched;
    }

    private final String host;
    private final GroupId group;
    private final String mine;
    private final EventSink sink;
    private Map<String, Seen> peers;

    public Fingerprints(String host, GroupId group, String mine, EventSink sink) {
        this.host = host;
        this.group = group;
        this.mine = mine;
        this.sink = sink;
    }

    public String mine() {
        return mine;
    }

    /**
     * Whether {@code theirs}, carried by a {@code message} from a peer, is this host's fingerprint.
     * {@code effect} is what a mismatch does to the message, for the log line.
     */
    public boolean check(long now, String kind, String peer, String theirs, String message, String effect) {
        if (mine.equals(theirs)) {
            if (peers != null) {
                Seen s = peers.get(kind + " " + peer);
                if (s != null && !mine.equals(s.fingerprint)) {
                    s.fingerprint = mine;
                    sink.emit(new Event.ConfigAgreed(now, host, group, kind, peer, mine, s.mismatched));
                }
            }
            return true;
        }
        if (peers == null) {
            peers = new TreeMap<>();
        }
        Seen s = peers.computeIfAbsent(kind + " " + peer, k -> new Seen());
        s.mismatched++;
        if (!theirs.equals(s.fingerprint)) {
            s.fingerprint = theirs;
            sink.emit(new Event.ConfigMismatch(now, host, group, kind, peer, message, show(theirs), mine,
                    s.mismatched, effect));
        }
        return false;
    }

    /** The reason a vote is refused: both fingerprints. */
    public String refusal(String theirs) {
        return "config fingerprint " + show(theirs) + " differs from mine " + mine;
    }

    /** Every peer that has sent another fingerprint, by kind and id. */
    public List<Peer> peers() {
        if (peers == null) {
            return List.of();
        }
        List<Peer> out = new ArrayList<>(peers.size());
        peers.forEach((k, s) -> {
            int sp = k.indexOf(' ');
            out.add(new Peer(k.substring(0, sp), k.substring(sp + 1), show(s.fingerprint), s.mismatched));
        });
        return out;
    }

    /** A sender of a version without fingerprints sends none. */
    private static String show(String f) {
        return f.isEmpty() ? "none" : f;
    }
}
