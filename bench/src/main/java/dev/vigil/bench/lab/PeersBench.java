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
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The peers benchmark: keepalived (VRRP) and Redis Sentinel in the same netns lab as Vigil,
 * under the same faults, each in the configuration closest to Vigil's (see BENCHMARKS.md,
 * "Peers"). Prints a latency and an accuracy table and writes {@code peers-*.json/csv/svg}
 * and the per-trial {@code peers-trials-*} under bench/results. Needs root, keepalived,
 * redis-server and redis-sentinel.
 */
@Command(name = "peers", mixinStandardHelpOptions = true,
        description = "keepalived and Redis Sentinel under Vigil's lab faults: failover latency and false failovers.")
public final class PeersBench implements Callable<Integer> {
    @Option(names = "--tools", split = ",", defaultValue = "keepalived,sentinel", description = "default: ${DEFAULT-VALUE}")
    List<String> tools;

    @Option(names = "--down-after", split = ",", defaultValue = "5000,1000",
            description = "Vigil down-after values (ms) to match (default: ${DEFAULT-VALUE})")
    List<Long> downAfters;

    @Option(names = "--keepalived-stock", arity = "1", defaultValue = "true",
            description = "also keepalived with the stock advert_int 1 s: true or false (default: ${DEFAULT-VALUE})")
    boolean stock;

    @Option(names = "--faults", split = ",", defaultValue = "crash,hang", description = "latency faults (default: ${DEFAULT-VALUE})")
    List<String> faults;

    @Option(names = "--trials", defaultValue = "20", description = "trials per fault and configuration (default: ${DEFAULT-VALUE})")
    int trials;

    @Option(names = "--loss", split = ",", defaultValue = "5,20,40", description = "loss levels, %% each way (default: ${DEFAULT-VALUE})")
    List<Integer> losses;

    @Option(names = "--pause-max-ms", defaultValue = "3000",
            description = "pauses last 1 s to this, 0 for none (default: ${DEFAULT-VALUE})")
    long pauseMaxMs;

    @Option(names = "--accuracy-seconds", defaultValue = "60", description = "per loss level and for pauses (default: ${DEFAULT-VALUE})")
    long accuracySeconds;

    @Option(names = "--skip-latency", description = "accuracy only")
    boolean skipLatency;

    @Option(names = "--skip-accuracy", description = "latency only")
    boolean skipAccuracy;

    @Option(names = "--seed", defaultValue = "1", description = "fault phases and pause lengths (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--prefix", defaultValue = "pb", description = "lab namespace prefix (default: ${DEFAULT-VALUE})")
    String prefix;

    @Option(names = "--out", description = "results directory (default: bench/results)")
    Path out;

    @Override
    public Integer call() throws Exception {
        String why = NetnsLab.unavailableReason();
        if (why != null) {
            System.err.println("bench peers: cannot run: " + why);
            return 2;
        }
        List<Peer> peers = peers();
        Path root = Path.of(System.getProperty("vigil.bench.root", ".")).toAbsolutePath().normalize();
        Path dir = Files.createTempDirectory("vigil-peers-");
        Results summary = new Results("peers", out != null ? out : Results.defaultDir());
        Results perTrial = new Results("peers-trials", out != null ? out : Results.defaultDir());
        params(summary);
        params(perTrial);
        try (PeerLab lab = PeerLab.create(prefix, root, dir)) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> NetnsLab.sweep(prefix)));
            Trials t = new Trials(lab, new SplittableRandom(seed));
            for (Peer p : peers) {
                if (!skipLatency) {
                    for (String f : faults) {
                        latency(t, p, f, summary, perTrial);
                    }
                }
                if (!skipAccuracy) {
                    accuracy(t, p, summary);
                }
            }
        }
        summary.write();
        perTrial.write();
        Path svg = summary.writeFile("svg", picture(summary.rows()));
        System.out.println(tables(summary.rows()));
        System.out.println("bench peers: results in " + svg.getParent() + " (peers-" + summary.stamp() + ".*), logs in " + dir);
        return 0;
    }

    private List<Peer> peers() {
        List<Peer> out = new ArrayList<>();
        for (String tool : tools) {
            switch (tool) {
                case "keepalived" -> {
                    if (stock) {
                        out.add(KeepalivedPeer.stock());
                    }
                    downAfters.forEach(d -> out.add(KeepalivedPeer.matching(d)));
                }
                case "sentinel" -> downAfters.forEach(d -> out.add(new SentinelPeer(d)));
                default -> throw new IllegalArgumentException("unknown tool " + tool + " (keepalived, sentinel)");
            }
        }
        return out;
    }

    private void params(Results r) {
        r.param("tools", tools).param("down_after_ms", downAfters).param("keepalived_stock", stock)
                .param("faults", faults).param("trials", trials).param("loss_percent", losses)
                .param("pause_ms", pauseMaxMs > 0 ? "1000-" + pauseMaxMs : "none")
                .param("accuracy_seconds", accuracySeconds).param("seed", seed);
    }

    private void latency(Trials t, Peer p, String fault, Results summary, Results perTrial) throws Exception {
        List<Trials.Latency> done = new ArrayList<>();
        for (int i = 1; i <= trials; i++) {
            Trials.Latency l;
            try {
                l = t.latency(p, fault, i);
            } catch (IllegalStateException e) {
                System.err.printf("bench peers: %s %s %s trial %d: %s%n", p.tool(), p.variant(), fault, i, e.getMessage());
                continue;
            }
            done.add(l);
            Map<String, Object> row = Trials.row(p, l);
            row.put("load1", load1());
            perTrial.add(row);
            System.err.printf("bench peers: %s %s %s %d/%d: standby after %d ms %s%s%n", p.tool(), p.variant(), fault, i,
                    trials, l.toStandbyMs(), l.milestones(), l.afterResume().isEmpty() ? "" : " after resume: " + l.afterResume());
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("kind", "latency");
        row.put("tool", p.tool());
        row.put("variant", p.variant());
        row.put("detection_ms", p.detectionMs());
        row.put("fault", fault);
        row.put("failed", trials - done.stream().filter(l -> l.toStandbyMs() >= 0).count());
        row.putAll(Stats.of(done.stream().filter(l -> l.toStandbyMs() >= 0).map(Trials.Latency::toStandbyMs).toList())
                .fields("to_standby_ms"));
        Map<String, List<Long>> ms = new LinkedHashMap<>();
        done.forEach(l -> l.milestones().forEach((k, v) -> ms.computeIfAbsent(k, x -> new ArrayList<>()).add(v)));
        ms.forEach((k, v) -> row.put(k + "_ms_p50", Stats.of(v).p50()));
        if (fault.equals("hang")) {
            row.put("after_resume", done.stream().collect(Collectors.groupingBy(Trials.Latency::afterResume,
                    LinkedHashMap::new, Collectors.counting())).toString());
            row.put("resume_gap_ms_max", done.stream().mapToLong(Trials.Latency::resumeGapMs).max().orElse(0));
        }
        row.put("load1", load1());
        summary.add(row);
    }

    private void accuracy(Trials t, Peer p, Results summary) throws Exception {
        List<Trials.Accuracy> runs = new ArrayList<>();
        for (int pct : losses) {
            runs.add(t.loss(p, pct, accuracySeconds));
        }
        if (pauseMaxMs > 0) {
            runs.add(t.pauses(p, pauseMaxMs, accuracySeconds));
        }
        for (Trials.Accuracy a : runs) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("kind", "accuracy");
            row.put("tool", p.tool());
            row.put("variant", p.variant());
            row.put("detection_ms", p.detectionMs());
            row.put("fault", a.fault());
            row.put("level", a.fault().equals("loss") ? a.level() + "%" : "1-" + a.level() / 1000.0 + "s x" + a.pauses());
            row.put("seconds", a.seconds());
            row.put("client_switches", a.switches());
            row.put("failovers", a.decisions().getOrDefault("failovers", 0));
            row.put("failovers_per_hour", a.decisions().getOrDefault("failovers", 0) * 3600.0 / a.seconds());
            row.put("sdown", a.decisions().getOrDefault("sdown", -1));
            row.put("odown", a.decisions().getOrDefault("odown", -1));
            row.put("longest_gap_ms", a.longestGapMs());
            row.put("load1", load1());
            summary.add(row);
            System.err.printf("bench peers: %s %s %s %s: %s%n", p.tool(), p.variant(), a.fault(), row.get("level"), row);
        }
    }

    private static double load1() {
        List<Double> l = Results.loadAverage();
        return l.isEmpty() ? Double.NaN : l.get(0);
    }

    static String tables(List<Map<String, Object>> rows) {
        Table lat = new Table("tool", "variant", "fault", "n", "min ms", "p50 ms", "p99 ms", "max ms", "after resume", "load");
        Table acc = new Table("tool", "variant", "fault", "level", "s", "failovers", "per hour", "switches", "sdown", "odown", "load");
        for (Map<String, Object> r : rows) {
            if (r.get("kind").equals("latency")) {
                lat.add(r.get("tool"), r.get("variant"), r.get("fault"), r.get("to_standby_ms_n"), r.get("to_standby_ms_min"),
                        r.get("to_standby_ms_p50"), r.get("to_standby_ms_p99"), r.get("to_standby_ms_max"),
                        r.getOrDefault("after_resume", ""), r.get("load1"));
            } else {
                acc.add(r.get("tool"), r.get("variant"), r.get("fault"), r.get("level"), r.get("seconds"), r.get("failovers"),
                        r.get("failovers_per_hour"), r.get("client_switches"), dash(r.get("sdown")), dash(r.get("odown")),
                        r.get("load1"));
            }
        }
        return "crash/hang -> first client answer from the standby\n" + lat + "\nhealthy primary under loss and pauses\n" + acc;
    }

    private static Object dash(Object v) {
        return v instanceof Integer i && i < 0 ? "-" : v;
    }

    static String picture(List<Map<String, Object>> rows) {
        List<Svg.Range> ranges = new ArrayList<>();
        List<Svg.Bar> bars = new ArrayList<>();
        for (Map<String, Object> r : rows) {
            String label = short_(r);
            if (r.get("kind").equals("latency")) {
                ranges.add(new Svg.Range(label + " " + r.get("fault"), num(r.get("to_standby_ms_min")),
                        num(r.get("to_standby_ms_p50")), num(r.get("to_standby_ms_p99")), num(r.get("to_standby_ms_max"))));
            } else {
                bars.add(new Svg.Bar(label + " " + r.get("level"), num(r.get("failovers"))));
            }
        }
        return Svg.document("Peers in Vigil's lab",
                Svg.ranges("Fault to first client answer from the standby", "ms", ranges, OptionalDouble.empty()),
                Svg.bars("False failovers of a healthy primary", "failovers", bars));
    }

    private static String short_(Map<String, Object> r) {
        String v = String.valueOf(r.get("variant")).replaceAll(" \\(.*\\)", "").replace("down-after ", "");
        return (r.get("tool").equals("keepalived") ? "ka " : "sent ") + v;
    }

    private static double num(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }
}
