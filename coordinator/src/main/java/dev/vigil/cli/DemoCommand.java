package dev.vigil.cli;

import dev.vigil.config.ClusterFileValues;
import dev.vigil.core.Narrative;
import dev.vigil.lab.LabCluster;
import dev.vigil.lab.LabCluster.Layout;
import dev.vigil.lab.LabEvent;
import dev.vigil.lab.LabHosts;
import dev.vigil.lab.LoopbackHosts;
import dev.vigil.lab.NetnsLab;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vigil demo}: an HA pair in a lab of real {@code vigil} processes (in network namespaces
 * with a real floating IP when run as root, else on loopback without one), its primary's host
 * powered off, and the failover told as a timeline read back from the processes' logs.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Power off the primary of a lab HA pair and watch Vigil fail over, step by step.",
                "As root with network namespaces: a real floating IP and a client polling it; else loopback without one."})
public final class DemoCommand implements Callable<Integer> {
    private static final String PREFIX = "demo";

    @Spec
    CommandSpec spec;

    @Option(names = "--probe-interval", defaultValue = "1s", description = "default: ${DEFAULT-VALUE}")
    String probeInterval;

    @Option(names = "--down-after", defaultValue = "5s", description = "default: ${DEFAULT-VALUE}")
    String downAfter;

    @Option(names = "--loopback", description = "Use loopback even where network namespaces are available.")
    boolean loopback;

    @Option(names = "--keep-logs", paramLabel = "DIR",
            description = "Keep the cluster file and every process's log in DIR (default: a temporary directory, removed).")
    Path keep;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        long downAfterMs;
        try {
            downAfterMs = ClusterFileValues.durationMs(downAfter);
            ClusterFileValues.durationMs(probeInterval);
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("vigil demo: " + e.getMessage());
            return 2;
        }
        Path jar = ownJar();
        if (jar == null) {
            spec.commandLine().getErr().println("vigil demo: run it from the vigil jar (./vigil demo), it starts the jar's daemons");
            return 2;
        }
        try {
            return demo(out, jar, downAfterMs);
        } catch (IllegalStateException | AssertionError e) {
            // the lab could not be built, or its cluster never settled (the message has the logs' tails)
            spec.commandLine().getErr().println("vigil demo: " + e.getMessage());
            return 1;
        }
    }

    private int demo(PrintWriter out, Path jar, long downAfterMs) throws IOException, InterruptedException {
        String netnsMissing = loopback ? "--loopback given" : NetnsLab.unavailableReason();
        Path dir = keep != null ? Files.createDirectories(keep) : Files.createTempDirectory("vigil-demo-");
        LabHosts hosts = netnsMissing == null
                ? NetnsLab.create(PREFIX, Layout.WITNESS.hosts(), dir.resolve("logs"))
                : new LoopbackHosts(Layout.WITNESS.hosts(), dir.resolve("logs"));
        // Ctrl-C must not leave namespaces, processes or a floating IP behind.
        Thread cleanup = new Thread(hosts::close, "vigil-demo-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try (LabCluster c = LabCluster.start(hosts, LabCluster.Options.of(Layout.WITNESS, probeInterval, downAfter), jar, dir)) {
            out.println(netnsMissing == null
                    ? "vigil demo: network namespaces on a bridge, a real floating IP " + LabCluster.FLOATING
                    + " on eth0, moved by vip-linux.sh with gratuitous ARP; a client connects to it every 20 ms."
                    : "vigil demo: on loopback (" + netnsMissing + "): no floating IP, the hooks only say what they"
                    + " would do. Run as root for the network-namespace lab.");
            out.printf("Nodes n1 and n2 each run a web service, an agent and a watcher; witness w3 runs a watcher;"
                    + " n1 starts as primary. probe-interval %s, down-after %s.%n", probeInterval, downAfter);
            out.flush();
            return run(c, out, downAfterMs);
        } finally {
            Runtime.getRuntime().removeShutdownHook(cleanup);
            if (keep == null) {
                deleteTree(dir);
            } else {
                out.println("logs and the cluster file: " + dir.toAbsolutePath());
            }
            out.flush();
        }
    }

    private int run(LabCluster c, PrintWriter out, long downAfterMs) throws InterruptedException {
        c.await("a node serves as primary", Duration.ofMillis(downAfterMs + 40_000), () -> serving(c) != null);
        // JVMs that just started miss probe deadlines on a small machine; the crash comes once they are warm.
        Thread.sleep(Math.min(downAfterMs, 3_000));
        String old = serving(c);
        String standby = old.equals("n1") ? "n2" : "n1";
        out.printf("%s is primary and holds the floating IP; powering it off.%n%n", old);
        long crash = LabCluster.now();
        c.crash(old);
        try {
            c.await(standby + " serves as primary", Duration.ofMillis(2 * downAfterMs + 20_000),
                    () -> servingSince(c, standby, crash).isPresent());
            c.await("the leader reports the failover done", Duration.ofSeconds(10),
                    () -> c.first("FailoverCompleted", "newPrimary", standby, crash).isPresent());
        } catch (AssertionError e) {
            printTimeline(c, out, old, standby, crash);
            out.println();
            out.println("demo: the standby did not take over; the last lines of each log follow:" + c.tails());
            return 1;
        }
        printTimeline(c, out, old, standby, crash);
        long answered = servingSince(c, standby, crash).getAsLong() - crash;
        long odown = c.first("OdownChanged", "down", "true", crash).map(e -> e.at() - crash).orElse(-1L);
        long failovers = c.events().stream().filter(e -> e.at() > crash && e.type().equals("FailoverCompleted")).count();
        out.println();
        out.printf("demo: crash->odown=%dms crash->standby=%dms overhead=%dms down-after=%dms failovers=%d%n",
                odown, answered, answered - odown, downAfterMs, failovers);
        return 0;
    }

    /**
     * The node serving as primary now: the one the client last reached on the floating IP, or
     * without a real network, the last whose agent acquired it; null if none.
     */
    private static String serving(LabCluster c) {
        if (c.floatingIp()) {
            List<LabCluster.Answer> a = c.answers();
            String who = a.isEmpty() ? "-" : a.get(a.size() - 1).who();
            return who.equals("-") ? null : who;
        }
        return c.events().stream().filter(e -> e.type().equals("IpChanged")).reduce((x, y) -> y)
                .filter(e -> e.field("held").equals("true")).map(e -> e.field("node")).orElse(null);
    }

    /** When {@code node} began to serve as primary after {@code after}, as {@link #serving} sees it. */
    private static OptionalLong servingSince(LabCluster c, String node, long after) {
        if (c.floatingIp()) {
            return c.firstAnswer(node, after);
        }
        return c.events().stream().filter(e -> e.at() > after && e.is("IpChanged", "node", node)
                && e.field("held").equals("true")).mapToLong(LabEvent::at).findFirst();
    }

    private static void printTimeline(LabCluster c, PrintWriter out, String old, String standby, long crash) {
        var lines = new TreeMap<Long, List<String>>();
        lines.put(0L, new ArrayList<>(List.of("power off " + old + " (primary, holds the floating IP)")));
        for (LabEvent e : c.events()) {
            String s = e.at() >= crash ? Narrative.sentence(e.type(), e.fields()) : null;
            if (s != null) {
                lines.computeIfAbsent(e.at() - crash, k -> new ArrayList<>()).add(s);
            }
        }
        if (c.floatingIp()) {
            c.firstAnswer(standby, crash).ifPresent(at -> lines.computeIfAbsent(at - crash, k -> new ArrayList<>())
                    .add("client: first answer from " + standby + " on " + LabCluster.FLOATING));
        }
        lines.forEach((at, ss) -> ss.forEach(s -> out.printf("%9s  %s%n", "+" + at + " ms", s)));
        out.flush();
    }

    /** The jar this class was loaded from, or null when run from classes (the daemons need the jar). */
    private static Path ownJar() {
        try {
            Path p = Path.of(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isRegularFile(p) ? p : null;
        } catch (java.net.URISyntaxException | SecurityException e) {
            return null;
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a temporary directory: what is left is harmless
        }
    }
}
