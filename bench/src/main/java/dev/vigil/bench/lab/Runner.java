package dev.vigil.bench.lab;

import dev.vigil.bench.Results;
import dev.vigil.bench.Stats;
import dev.vigil.bench.Svg;
import dev.vigil.bench.Table;
import dev.vigil.lab.NetnsLab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * Runs latency trials and accuracy runs of some {@link Peer}s in one lab, and turns them into
 * the benchmark's results: a summary row per (tool, configuration, fault), a row per trial,
 * a text table and a picture. Shared by the latency, accuracy and peers benchmarks, so every
 * tool's rows are measured and reported the same way.
 */
final class Runner {
    /** What a lab benchmark was asked to do. */
    interface Body {
        void run(Runner runner) throws Exception;
    }

    private final Trials trials;
    private final Results summary;
    private final Results perTrial;

    private Runner(Trials trials, Results summary, Results perTrial) {
        this.trials = trials;
        this.summary = summary;
        this.perTrial = perTrial;
    }

    /**
     * Builds the lab, runs {@code body}, writes {@code <name>-*} and {@code <name>-trials-*},
     * prints the tables; returns the exit code (2 if the lab cannot run here).
     */
    static int run(String name, LabOptions o, boolean ownClient, Map<String, Object> params, Body body) throws Exception {
        String why = NetnsLab.unavailableReason();
        if (why != null) {
            System.err.println("bench " + name + ": cannot run: " + why);
            return 2;
        }
        Path root = Path.of(System.getProperty("vigil.bench.root", ".")).toAbsolutePath().normalize();
        Path dir = Files.createTempDirectory("vigil-" + name + "-");
        Path out = o.out != null ? o.out : Results.defaultDir();
        Results summary = new Results(name, out);
        Results perTrial = new Results(name + "-trials", out);
        params.forEach((k, v) -> {
            summary.param(k, v);
            perTrial.param(k, v);
        });
        summary.param("seed", o.seed);
        Thread sweep = new Thread(() -> NetnsLab.sweep(o.prefix));
        Runtime.getRuntime().addShutdownHook(sweep);
        try (PeerLab lab = PeerLab.create(o.prefix, root, dir, ownClient)) {
            body.run(new Runner(new Trials(lab, new SplittableRandom(o.seed)), summary, perTrial));
        } finally {
            Runtime.getRuntime().removeShutdownHook(sweep);
        }
        summary.write();
        perTrial.write();
        Path svg = summary.writeFile("svg", picture(name, summary.rows()));
        System.out.println(tables(summary.rows()));
        System.out.println("bench " + name + ": results in " + svg.getParent() + " (" + name + "-" + summary.stamp()
                + ".*), logs in " + dir);
        return 0;
    }

    /** {@code n} trials of {@code fault}; one summary row, one row per trial. */
    void latency(Peer p, String fault, int n) throws Exception {
        List<Trials.Latency> done = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            Trials.Latency l;
            try {
                l = trials.latency(p, fault, i);
            } catch (IllegalStateException | AssertionError e) {
                System.err.printf("bench: %s %s %s trial %d failed: %s%n", p.tool(), p.variant(), fault, i, e.getMessage());
                continue;
            }
            done.add(l);
            Map<String, Object> row = Trials.row(p, l);
            row.put("load1", load1());
            perTrial.add(row);
            System.err.printf("bench: %s %s %s %d/%d: standby answers after %d ms %s%s%n", p.tool(), p.variant(), fault, i,
                    n, l.toStandbyMs(), l.milestones(), l.afterResume().isEmpty() ? "" : ", after resume: " + l.afterResume());
        }
        List<Trials.Latency> ok = done.stream().filter(l -> l.toStandbyMs() >= 0).toList();
        Map<String, Object> row = head("latency", p, fault);
        row.put("failed", n - ok.size());
        row.putAll(Stats.of(ok.stream().map(Trials.Latency::toStandbyMs).toList()).fields("to_standby_ms"));
        Map<String, List<Long>> ms = new LinkedHashMap<>();
        for (Trials.Latency l : ok) {
            l.milestones().forEach((k, v) -> ms.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
            Long closed = l.milestones().get("sdown2");
            if (closed != null) {
                ms.computeIfAbsent("overhead", x -> new ArrayList<>()).add(l.toStandbyMs() - closed);
            }
        }
        ms.forEach((k, v) -> row.putAll(Stats.of(v).fields(k + "_ms")));
        if (fault.equals("hang")) {
            row.put("after_resume", ok.stream().collect(Collectors.groupingBy(l -> l.afterResume().isEmpty() ? "none"
                    : l.afterResume(), LinkedHashMap::new, Collectors.counting())).toString());
        }
        if (!fault.equals("crash")) {
            row.putAll(Stats.of(ok.stream().map(Trials.Latency::gapMs).toList()).fields("gap_ms"));
        }
        row.put("load1", load1());
        summary.add(row);
    }

    /** One run per loss level, and one of repeated pauses if {@code pauseMaxMs > 0}. */
    void accuracy(Peer p, List<Integer> losses, long pauseMaxMs, long seconds) throws Exception {
        List<Trials.Accuracy> runs = new ArrayList<>();
        for (int pct : losses) {
            accuracyRun(p, "loss " + pct + "%", () -> trials.loss(p, pct, seconds)).ifPresent(runs::add);
        }
        if (pauseMaxMs > 0) {
            accuracyRun(p, "pauses", () -> trials.pauses(p, pauseMaxMs, seconds)).ifPresent(runs::add);
        }
        for (Trials.Accuracy a : runs) {
            Map<String, Object> row = head("accuracy", p, a.fault());
            row.put("level", a.fault().equals("loss") ? a.level() + "%" : "1-" + a.level() / 1000.0 + "s x" + a.pauses());
            row.put("seconds", a.seconds());
            int failovers = a.decisions().getOrDefault("failovers", 0);
            row.put("failovers", failovers);
            row.put("failovers_per_hour", failovers * 3600.0 / a.seconds());
            row.put("client_switches", a.switches());
            row.put("sdown", a.decisions().getOrDefault("sdown", -1));
            row.put("sdown_per_watcher_hour", a.decisions().containsKey("sdown")
                    ? a.decisions().get("sdown") / 3.0 * 3600.0 / a.seconds() : Double.NaN);
            row.put("odown", a.decisions().getOrDefault("odown", -1));
            row.put("tilt", a.decisions().getOrDefault("tilt", -1));
            row.put("longest_gap_ms", a.longestGapMs());
            row.put("load1", load1());
            summary.add(row);
            System.err.printf("bench: %s %s %s %s: failovers=%d switches=%d decisions=%s%n", p.tool(), p.variant(),
                    a.fault(), row.get("level"), failovers, a.switches(), a.decisions());
        }
    }

    /** One accuracy run; one that cannot start is said and left out, as a failed latency trial is. */
    private static Optional<Trials.Accuracy> accuracyRun(Peer p, String what, Callable<Trials.Accuracy> run)
            throws Exception {
        try {
            return Optional.of(run.call());
        } catch (IllegalStateException e) {
            System.err.printf("bench: %s %s %s failed: %s%n", p.tool(), p.variant(), what, e.getMessage());
            return Optional.empty();
        }
    }

    private static Map<String, Object> head(String kind, Peer p, String fault) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("kind", kind);
        row.put("tool", p.tool());
        row.put("variant", p.variant());
        row.put("detection_ms", p.detectionMs());
        row.put("fault", fault);
        return row;
    }

    private static double load1() {
        List<Double> l = Results.loadAverage();
        return l.isEmpty() ? Double.NaN : l.get(0);
    }

    static String tables(List<Map<String, Object>> rows) {
        Table lat = new Table("tool", "variant", "fault", "n", "min ms", "p50 ms", "p99 ms", "max ms", "over p50",
                "over p99", "gap max", "after resume", "load");
        Table acc = new Table("tool", "variant", "fault", "level", "s", "failovers", "per hour", "switches", "sdown",
                "odown", "load");
        for (Map<String, Object> r : rows) {
            if (r.get("kind").equals("latency")) {
                lat.add(r.get("tool"), r.get("variant"), r.get("fault"), r.get("to_standby_ms_n"), r.get("to_standby_ms_min"),
                        r.get("to_standby_ms_p50"), r.get("to_standby_ms_p99"), r.get("to_standby_ms_max"),
                        r.get("overhead_ms_p50"), r.get("overhead_ms_p99"), r.get("gap_ms_max"),
                        r.getOrDefault("after_resume", ""), r.get("load1"));
            } else {
                acc.add(r.get("tool"), r.get("variant"), r.get("fault"), r.get("level"), r.get("seconds"), r.get("failovers"),
                        r.get("failovers_per_hour"), r.get("client_switches"), dash(r.get("sdown")), dash(r.get("odown")),
                        r.get("load1"));
            }
        }
        return "fault -> first client answer from the standby (over: after the quorum's detection window closed)\n"
                + lat + "\nhealthy primary under loss and pauses\n" + acc;
    }

    private static Object dash(Object v) {
        return v instanceof Integer i && i < 0 ? "-" : v;
    }

    static String picture(String name, List<Map<String, Object>> rows) {
        List<Svg.Range> ranges = new ArrayList<>();
        List<Svg.Bar> bars = new ArrayList<>();
        for (Map<String, Object> r : rows) {
            String label = label(r);
            if (r.get("kind").equals("latency")) {
                ranges.add(new Svg.Range(label + " " + r.get("fault"), num(r.get("to_standby_ms_min")),
                        num(r.get("to_standby_ms_p50")), num(r.get("to_standby_ms_p99")), num(r.get("to_standby_ms_max"))));
            } else {
                bars.add(new Svg.Bar(label + " " + r.get("level"), num(r.get("failovers"))));
            }
        }
        List<Svg.Chart> charts = new ArrayList<>();
        if (!ranges.isEmpty()) {
            charts.add(Svg.ranges("Fault to first client answer from the standby", "ms", ranges, OptionalDouble.empty()));
        }
        if (!bars.isEmpty()) {
            charts.add(Svg.bars("False failovers of a healthy primary", "failovers", bars));
        }
        return Svg.document("bench " + name, charts.toArray(Svg.Chart[]::new));
    }

    /** A short row label: "ka 1.37s", "sent 5000ms", "vigil 5000ms". */
    private static String label(Map<String, Object> r) {
        String v = String.valueOf(r.get("variant")).replaceAll(" \\(.*\\)", "").replace("down-after ", "")
                .replace("advert ", "").replaceAll(" probe .*", "");
        String tool = String.valueOf(r.get("tool"));
        return (tool.equals("keepalived") ? "ka" : tool.equals("sentinel") ? "sent" : tool) + " " + v;
    }

    private static double num(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }
}
