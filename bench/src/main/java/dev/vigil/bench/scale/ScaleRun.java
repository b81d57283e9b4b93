package dev.vigil.bench.scale;

import dev.vigil.bench.Results;
import dev.vigil.time.TimerLag;
import dev.vigil.transport.grpc.AdminClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/** One group count: start the cluster, warm up, measure, kill the kill group's primary, read the logs. */
final class ScaleRun {
    private static final long DOWN_AFTER_MS = 5_000;
    private static final long FAILOVER_WAIT_MS = 60_000;
    private static final long QUIET_MS = 10_000;
    private static final long SETTLE_MAX_MS = 600_000;
    private static final String RESTART_NODE = "n1";
    private static final long RESTART_MAX_MS = 180_000;

    private final ScaleCluster c;
    private final int groups;
    private final Duration warmup;
    private final Duration duration;

    ScaleRun(ScaleCluster c, int groups, Duration warmup, Duration duration) {
        this.c = c;
        this.groups = groups;
        this.warmup = warmup;
        this.duration = duration;
    }

    List<Map<String, Object>> run(Path jar, List<String> jvmOpts) throws Exception {
        List<Double> load = Results.loadAverage();
        long t0 = System.currentTimeMillis();
        c.start(jar, jvmOpts);
        awaitWatchers();
        long readyMs = System.currentTimeMillis() - t0;
        log("%d groups: watchers answer after %d ms; waiting until the agents are quiet", groups, readyMs);
        long settledMs = awaitQuietAgents(SETTLE_MAX_MS, groups + 1);
        Map<String, Long> startChanges = c.ipChanges();
        log("%d groups: %s; warming up %d s", groups, settledMs < 0 ? "agents still changing IPs after "
                + SETTLE_MAX_MS / 1000 + " s, measuring anyway" : "agents quiet after " + settledMs + " ms", warmup.toSeconds());
        Thread.sleep(warmup.toMillis());

        Map<String, Double> cpu0 = new LinkedHashMap<>();
        Map<String, TimerLag.Snapshot> lag0 = new LinkedHashMap<>();
        Map<String, Double> rssPeak = new LinkedHashMap<>();
        for (String w : ScaleCluster.WATCHERS) {
            cpu0.put(w, Proc.cpuSeconds(c.pid(w)));
            lag0.put(w, measuredLag(w));
        }
        double agentCpu0 = agentCpu();
        long from = System.currentTimeMillis();
        long nanos0 = System.nanoTime();
        long end = from + duration.toMillis();
        while (System.currentTimeMillis() < end) {
            for (String w : ScaleCluster.WATCHERS) {
                rssPeak.merge(w, Proc.statusMb(c.pid(w), "VmRSS"), Math::max);
            }
            Thread.sleep(Math.min(1_000, Math.max(1, end - System.currentTimeMillis())));
        }
        double seconds = (System.nanoTime() - nanos0) / 1e9;
        Map<String, Map<String, Object>> rows = new LinkedHashMap<>();
        for (String w : ScaleCluster.WATCHERS) {
            TimerLag.Snapshot lag = measuredLag(w);
            // a watcher too busy to answer its Status RPC is itself a result, not the end of the run
            TimerLag.Snapshot window = lag == null || lag0.get(w) == null ? null : lag.minus(lag0.get(w));
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("groups", groups);
            r.put("watcher", w);
            r.put("load1_start", load.isEmpty() ? Double.NaN : load.get(0));
            r.put("load1_end", Results.loadAverage().isEmpty() ? Double.NaN : Results.loadAverage().get(0));
            r.put("seconds", seconds);
            r.put("cpu_cores", (Proc.cpuSeconds(c.pid(w)) - cpu0.get(w)) / seconds);
            r.put("rss_mb_end", Proc.statusMb(c.pid(w), "VmRSS"));
            r.put("rss_mb_peak", Math.max(rssPeak.get(w), (Double) r.get("rss_mb_end")));
            r.put("rss_mb_hwm", Proc.statusMb(c.pid(w), "VmHWM"));
            r.put("status_answered", window != null);
            r.put("timers", window == null ? -1 : window.total());
            r.put("lag_p50_ms_at_most", window == null ? Double.NaN : ScaleBench.lagMs(window, 50));
            r.put("lag_p99_ms_at_most", window == null ? Double.NaN : ScaleBench.lagMs(window, 99));
            r.put("lag_max_ms", lag == null ? Double.NaN : lag.maxUs() / 1000.0);
            r.put("ready_ms", readyMs);
            r.put("settled_ms", settledMs < 0 ? Double.NaN : (double) settledMs);
            rows.put(w, r);
        }
        double agentsCores = (agentCpu() - agentCpu0) / seconds;
        rows.values().forEach(r -> r.put("agents_cpu_cores", agentsCores));

        long killAt = System.currentTimeMillis();
        c.kill(ScaleCluster.KILL_NODE);
        log("%d groups: measured %.0f s; killed %s's agent, waiting for the failover", groups, seconds,
                ScaleCluster.KILL_GROUP);
        OptionalLong completed = awaitFailover(killAt);
        Map<String, EventLines> logs = new LinkedHashMap<>();
        ScaleCluster.WATCHERS.forEach(w -> logs.put(w, EventLines.read(c.log(w))));
        long odown = logs.values().stream().map(l -> l.first(killAt, "OdownChanged", "group=" + ScaleCluster.KILL_GROUP,
                "down=true")).filter(OptionalLong::isPresent).mapToLong(OptionalLong::getAsLong).min().orElse(-1);
        for (String w : ScaleCluster.WATCHERS) {
            Map<String, Object> r = rows.get(w);
            EventLines l = logs.get(w);
            r.put("false_sdown", l.count(from, killAt, "SdownChanged", "down=true"));
            r.put("sdown_in_warmup", l.count(0, from, "SdownChanged", "down=true"));
            r.put("tilt", l.count(from, killAt, "TiltChanged", "tilt=true"));
            r.put("kill_to_odown_ms", odown < 0 ? Double.NaN : (double) (odown - killAt));
            r.put("odown_to_completed_ms", odown < 0 || completed.isEmpty() ? Double.NaN
                    : (double) (completed.getAsLong() - odown));
            r.put("kill_to_completed_ms", completed.isEmpty() ? Double.NaN : (double) (completed.getAsLong() - killAt));
            r.put("start_releases", count(startChanges, "release", null));
            r.put("start_acquires", count(startChanges, "acquire", null));
        }
        restartAgent(rows.values());
        return new ArrayList<>(rows.values());
    }

    /**
     * SIGKILL of {@value #RESTART_NODE}, primary of half the groups, and a start again: the hooks
     * its start-up runs (a release for each group whose IP it may have left, then an acquire for
     * each it is primary of), the hooks the other agents ran meanwhile, and how long until all
     * were done. The agents share one CPU here, so a restart that starves the others for longer
     * than fence-after costs them their leases: those hooks are the benchmark's, not a host's.
     */
    private void restartAgent(Collection<Map<String, Object>> rows) throws Exception {
        Map<String, Long> before = c.ipChanges();
        log("%d groups: restarting agent %s; waiting until the agents are quiet", groups, RESTART_NODE);
        c.restart(RESTART_NODE);
        long doneMs = awaitQuietAgents(RESTART_MAX_MS, 0);
        Map<String, Long> after = c.ipChanges();
        for (Map<String, Object> r : rows) {
            for (String kind : List.of("release", "acquire")) {
                long own = count(after, kind, RESTART_NODE) - count(before, kind, RESTART_NODE);
                r.put("restart_" + kind + "s", own);
                r.put("restart_others_" + kind + "s", count(after, kind, null) - count(before, kind, null) - own);
            }
            r.put("restart_hooks_done_ms", doneMs < 0 ? Double.NaN : (double) doneMs);
        }
    }

    /** Hook calls of one kind, by one node or (null) by all. */
    private static long count(Map<String, Long> counts, String kind, String node) {
        return counts.entrySet().stream().filter(e -> node == null ? e.getKey().startsWith(kind + " ")
                : e.getKey().equals(kind + " " + node)).mapToLong(Map.Entry::getValue).sum();
    }

    private void awaitWatchers() throws InterruptedException {
        long deadline = System.currentTimeMillis() + 300_000;
        for (String w : ScaleCluster.WATCHERS) {
            while (true) {
                if (!c.alive(w)) {
                    throw new IllegalStateException("watcher " + w + " exited; see " + c.log(w));
                }
                try {
                    timerLag(w);
                    break;
                } catch (AdminClient.AdminException e) {
                    if (System.currentTimeMillis() > deadline) {
                        throw new IllegalStateException("watcher " + w + " does not answer: " + e.getMessage());
                    }
                    Thread.sleep(500);
                }
            }
        }
    }

    /**
     * Waits until the agents have taken at least {@code acquires} IPs in all and then logged
     * nothing for {@link #QUIET_MS}: at start every agent releases every group's IP and the
     * primaries then acquire theirs (one process per hook, with hooks), and on a small machine
     * that storm (and the late probe replies it causes) would be measured instead of the steady
     * state; agents waiting for their first leases are quiet too, but not done. Returns how
     * long it took, -1 if it did not end within {@code maxMs}.
     */
    private long awaitQuietAgents(long maxMs, long acquires) throws Exception {
        long start = System.currentTimeMillis();
        long lastSize = -1;
        long lastChange = start;
        while (System.currentTimeMillis() - start < maxMs) {
            long size = c.agentLogBytes();
            long now = System.currentTimeMillis();
            if (size != lastSize) {
                lastSize = size;
                lastChange = now;
            } else if (now - lastChange >= QUIET_MS) {
                if (count(c.ipChanges(), "acquire", null) >= acquires) {
                    return lastChange - start;
                }
                lastChange = now; // quiet, but not every primary has its IP yet
            }
            Thread.sleep(1_000);
        }
        return -1;
    }

    /** The watcher's timer lag, asked up to three times; null if it never answered in time. */
    private TimerLag.Snapshot measuredLag(String w) {
        for (int attempt = 1; attempt <= 3; attempt++) {
            try {
                return timerLag(w);
            } catch (AdminClient.AdminException e) {
                log("%d groups: %s did not answer Status (attempt %d): %s", groups, w, attempt, e.getMessage());
            }
        }
        return null;
    }

    private TimerLag.Snapshot timerLag(String w) {
        try (AdminClient a = c.admin(w)) {
            TimerLag.Snapshot s = a.timerLag();
            if (s == null) {
                throw new IllegalStateException("watcher " + w + " does not report its timer lag; is the jar older?");
            }
            return s;
        }
    }

    /** The time of the first FailoverCompleted of the kill group in any watcher's log, if it comes. */
    private OptionalLong awaitFailover(long killAt) throws InterruptedException {
        long deadline = killAt + DOWN_AFTER_MS + FAILOVER_WAIT_MS;
        while (System.currentTimeMillis() < deadline) {
            Thread.sleep(500);
            for (String w : ScaleCluster.WATCHERS) {
                OptionalLong done = EventLines.read(c.log(w)).first(killAt, "FailoverCompleted",
                        "group=" + ScaleCluster.KILL_GROUP);
                if (done.isPresent()) {
                    return done; // only the leader logs it
                }
            }
        }
        return OptionalLong.empty();
    }

    private double agentCpu() {
        return c.sharedAgents().stream().mapToDouble(n -> Math.max(0, Proc.cpuSeconds(c.pid(n)))).sum();
    }

    private static void log(String format, Object... args) {
        System.out.printf("scale: " + format + "%n", args);
    }
}
