package dev.vigil.quorum;

import dev.vigil.core.WatcherId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Peers' opinions of a group's primary, as last heard. A report counts towards ODOWN only if it
 * says SDOWN, is about the same config epoch (hence the same primary) as ours, and is fresh:
 * reports expire, so a lost "it is back" message cannot keep a primary down.
 */
public final class DownReports {
    private record Report(boolean sdown, long configEpoch, long at) {}

    private final Map<WatcherId, Report> reports = new HashMap<>();

    public void record(WatcherId from, boolean sdown, long configEpoch, long at) {
        reports.put(from, new Report(sdown, configEpoch, at));
    }

    /** Peers whose fresh report says the primary of {@code configEpoch} is subjectively down. */
    public List<WatcherId> down(long now, long ttlMs, long configEpoch) {
        List<WatcherId> out = new ArrayList<>(reports.size());
        reports.forEach((w, r) -> {
            if (r.sdown && r.configEpoch == configEpoch && now - r.at <= ttlMs) {
                out.add(w);
            }
        });
        out.sort(null);
        return out;
    }
}
