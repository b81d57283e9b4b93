package dev.vigil.bench.scale;

import dev.vigil.bench.Results;
import dev.vigil.bench.Svg;
import dev.vigil.bench.Table;
import dev.vigil.time.TimerLag;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The scale benchmark: 3 real watcher processes monitoring N groups on loopback, against agents
 * that serve many groups each. Per watcher, over the measured window after a warm-up: CPU
 * (utime + stime from /proc, in cores), RSS (peak and end), timer lag p99 (from the watcher's
 * Status RPC: every probe is sent by a timer), false SDOWN (from the logs). Then the kill
 * group's primary agent is SIGKILLed and kill → ODOWN → failover completed is timed from the
 * logs. Targets (issue 5): 10,000 groups on one watcher with at most 1 core, 512 MB RSS and a
 * probe lag p99 of 50 ms.
 */
@Command(name = "scale", mixinStandardHelpOptions = true,
        description = "3 watchers monitoring N groups on loopback: CPU, RSS, probe lag, false SDOWN, failover time.")
public final class ScaleBench implements Callable<Integer> {
    static final double TARGET_CORES = 1.0;
    static final double TARGET_RSS_MB = 512;
    static final double TARGET_LAG_MS = 50;

    @Option(names = "--groups", split = ",", defaultValue = "1000,5000,10000", description = "group counts (default: ${DEFAULT-VALUE})")
    List<Integer> groups;

    @Option(names = "--duration", defaultValue = "60s", converter = DurationConverter.class,
            description = "measured time per group count (default: ${DEFAULT-VALUE})")
    Duration duration;

    @Option(names = "--warmup", defaultValue = "30s", converter = DurationConverter.class,
            description = "time after every watcher answers and before measuring (default: ${DEFAULT-VALUE})")
    Duration warmup;

    @Option(names = "--agents", defaultValue = "2", description = "agents sharing the groups, in pairs (default: ${DEFAULT-VALUE})")
    int agents;

    @Option(names = "--pin", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "watchers on all CPUs but the last, agents and their hooks on the last, as on other hosts (default: ${DEFAULT-VALUE})")
    boolean pin;

    /** What the groups' acquire and release hooks are. */
    enum Hooks { record, none }

    @Option(names = "--hooks", defaultValue = "record",
            description = "record: acquire and release hooks that append a line to a file, one sh process each; "
                    + "none: no hooks, so that a first start is not tens of thousands of processes on the agents' CPU "
                    + "(default: ${DEFAULT-VALUE})")
    Hooks hooks;

    @Option(names = "--jvm-opts", defaultValue = "", description = "JVM options of the watchers and agents, space-separated")
    String jvmOpts;

    @Option(names = "--jar", description = "the vigil jar (default: coordinator/target/vigil.jar under the repository)")
    Path jar;

    @Option(names = "--keep", description = "keep each run's directory (cluster file, logs, state)")
    boolean keep;

    @Override
    public Integer call() throws Exception {
        Path root = Path.of(System.getProperty("vigil.bench.root", "."));
        Path vigil = jar != null ? jar : root.resolve("coordinator/target/vigil.jar");
        int cpus = Runtime.getRuntime().availableProcessors();
        if (pin && cpus < 2) {
            System.err.println("scale: --pin needs at least 2 CPUs and this machine has " + cpus + "; run with --no-pin");
            return 2;
        }
        List<String> opts = jvmOpts.isBlank() ? List.of() : Arrays.asList(jvmOpts.trim().split("\\s+"));
        Results results = new Results("scale", Results.defaultDir()).param("groups", groups)
                .param("duration_s", duration.toSeconds()).param("warmup_s", warmup.toSeconds()).param("agents", agents).param("pin", pin)
                .param("hooks", hooks.name()).param("jvm_opts", jvmOpts).param("probe_interval_ms", 1000).param("down_after_ms", 5000);
        System.out.printf("scale: %s groups, %d s each after %d s warm-up, %d agents, hooks %s, load average %s%n",
                groups, duration.toSeconds(), warmup.toSeconds(), agents, hooks, Results.loadAverage());
        for (int n : groups) {
            Path dir = Files.createTempDirectory("vigil-scale-" + n + "-");
            try (ScaleCluster c = new ScaleCluster(dir, n, agents, pin, hooks == Hooks.record)) {
                new ScaleRun(c, n, warmup, duration).run(vigil, opts).forEach(results::add);
            } catch (IllegalStateException e) {
                // one group count that cannot run (watchers that never answer) must not lose the others
                System.out.println("scale: " + n + " groups: failed: " + e.getMessage());
            } finally {
                if (keep) {
                    System.out.println("scale: kept " + dir);
                } else {
                    deleteTree(dir);
                }
            }
        }
        print(results.rows());
        Path json = results.write();
        results.writeFile("svg", picture(results.rows()));
        System.out.println("scale: wrote " + json + " and its .csv and .svg");
        return 0;
    }

    private static void print(List<Map<String, Object>> rows) {
        Table t = new Table("groups", "watcher", "load1", "settled ms", "cpu cores", "rss MB end", "rss MB peak",
                "lag p50 <=", "lag p99 <=", "lag max ms", "false sdown", "tilt", "kill->odown ms", "odown->done ms",
                "kill->done ms", "start rel+acq", "n1 restart rel+acq", "others meanwhile", "restart ms");
        for (Map<String, Object> r : rows) {
            t.add(r.get("groups"), r.get("watcher"), r.get("load1_start"), r.get("settled_ms"), r.get("cpu_cores"),
                    r.get("rss_mb_end"), r.get("rss_mb_peak"), r.get("lag_p50_ms_at_most"), r.get("lag_p99_ms_at_most"),
                    r.get("lag_max_ms"), r.get("false_sdown"), r.get("tilt"), r.get("kill_to_odown_ms"),
                    r.get("odown_to_completed_ms"), r.get("kill_to_completed_ms"),
                    r.get("start_releases") + "+" + r.get("start_acquires"),
                    r.get("restart_releases") + "+" + r.get("restart_acquires"),
                    r.get("restart_others_releases") + "+" + r.get("restart_others_acquires"),
                    r.get("restart_hooks_done_ms"));
        }
        System.out.print(t);
        System.out.printf("targets at 10,000 groups, per watcher: cpu <= %.0f core, rss <= %.0f MB, lag p99 <= %.0f ms%n",
                TARGET_CORES, TARGET_RSS_MB, TARGET_LAG_MS);
    }

    /** Groups against CPU, RSS and lag p99: one line per watcher, the target dashed. */
    static String picture(List<Map<String, Object>> rows) {
        return Svg.document("Vigil scale: 3 watchers, N groups",
                chart(rows, "CPU per watcher", "cores", "cpu_cores", TARGET_CORES),
                chart(rows, "RSS per watcher (end of run)", "MB", "rss_mb_end", TARGET_RSS_MB),
                chart(rows, "Probe (timer) lag p99 per watcher", "ms, at most", "lag_p99_ms_at_most", TARGET_LAG_MS));
    }

    private static Svg.Chart chart(List<Map<String, Object>> rows, String title, String unit, String field, double target) {
        Map<String, List<double[]>> byWatcher = new LinkedHashMap<>();
        for (Map<String, Object> r : rows) {
            if (r.get(field) instanceof Number v && Double.isFinite(v.doubleValue())) {
                byWatcher.computeIfAbsent((String) r.get("watcher"), w -> new ArrayList<>())
                        .add(new double[] {((Number) r.get("groups")).doubleValue(), v.doubleValue()});
            }
        }
        List<Svg.Series> series = new ArrayList<>();
        byWatcher.forEach((w, pts) -> series.add(new Svg.Series(w, pts)));
        return Svg.lines(title, "groups", unit, series, OptionalDouble.of(target));
    }

    private static void deleteTree(Path dir) {
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            System.err.println("scale: cannot delete " + dir + ": " + e.getMessage());
        }
    }

    /** 60s, 2m, 500ms, or a plain number of seconds. */
    static final class DurationConverter implements picocli.CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String v) {
            String s = v.trim().toLowerCase(java.util.Locale.ROOT);
            if (s.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            }
            if (s.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1)));
            }
            return Duration.ofSeconds(Long.parseLong(s.endsWith("s") ? s.substring(0, s.length() - 1) : s));
        }
    }

    /** The lag percentile's bucket bound in ms; NaN with no timers, infinite above every bound. */
    static double lagMs(TimerLag.Snapshot s, double p) {
        long us = s.percentileAtMostUs(p);
        return us < 0 ? Double.NaN : us == Long.MAX_VALUE ? Double.POSITIVE_INFINITY : us / 1000.0;
    }
}
