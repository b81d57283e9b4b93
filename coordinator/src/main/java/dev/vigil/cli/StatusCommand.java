package dev.vigil.cli;

import dev.vigil.config.ClusterConfig;
import dev.vigil.config.ClusterFile;
import dev.vigil.core.GroupId;
import dev.vigil.time.TimerLag;
import dev.vigil.transport.grpc.AdminClient;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vigil status}: every watcher's view of every group, as a table per group or as JSON. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show each watcher's view of each group.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:at least one watcher answered", "1:the cluster file has errors, or no such group",
            "2:bad usage", "3:no watcher answered"})
public final class StatusCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    AdminOptions admin;

    @Option(names = "--group", description = "Only this group.")
    String group;

    @Option(names = "--json", description = "Print JSON instead of tables.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ClusterFile file = admin.cluster.load(err);
        if (file == null) {
            return ClusterOptions.REFUSED;
        }
        Map<String, List<AdminClient.GroupView>> byGroup = new LinkedHashMap<>();
        Map<String, String> unreachable = new LinkedHashMap<>();
        Map<String, TimerLag.Snapshot> timerLag = new LinkedHashMap<>();
        ClusterConfig local = file.protocol();
        int answered = 0;
        for (AdminClient c : admin.admins(file)) {
            try (c) {
                for (AdminClient.GroupView v : c.status(group)) {
                    byGroup.computeIfAbsent(v.group(), g -> new ArrayList<>()).add(v);
                }
                answered++;
                TimerLag.Snapshot lag = c.timerLag();
                if (lag != null) {
                    timerLag.put(c.target(), lag);
                }
            } catch (AdminClient.AdminException e) {
                if (e.code().equals("NOT_FOUND")) {
                    err.println("vigil status: " + e.getMessage());
                    err.flush();
                    return ClusterOptions.REFUSED;
                }
                unreachable.put(c.target(), e.getMessage());
            }
        }
        if (json) {
            out.println(Json.status(byGroup, unreachable, timerLag));
        } else {
            byGroup.forEach((g, views) -> table(out, g, views, localFingerprint(local, g)));
            timerLag.forEach((w, l) -> out.printf("watcher %s: timer lag p50 <= %s, p99 <= %s, max %.1f ms (%d timers since start)%n",
                    w, ms(l.percentileAtMostUs(50)), ms(l.percentileAtMostUs(99)), l.maxUs() / 1000.0, l.total()));
            unreachable.forEach((w, why) -> out.println("watcher " + w + ": unreachable (" + why + ")"));
        }
        out.flush();
        return answered > 0 ? ClusterOptions.OK : ClusterOptions.UNAVAILABLE;
    }

    /** This host's fingerprint of the group, or "" if its cluster file has no such group. */
    private static String localFingerprint(ClusterConfig local, String group) {
        try {
            GroupId id = new GroupId(group);
            return local.group(id).isPresent() ? local.fingerprint(id) : "";
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    static void table(PrintWriter out, String group, List<AdminClient.GroupView> views, String local) {
        AdminClient.GroupView best = views.stream().max((a, b) -> Long.compare(a.configEpoch(), b.configEpoch())).orElseThrow();
        out.printf("group %s: primary %s (config epoch %d), standbys %s%n", group, best.primary(), best.configEpoch(),
                String.join(", ", best.standbys()));
        out.printf("  %s%n", configLine(views, local));
        out.printf("  %-10s %-8s %6s %6s %-6s %-6s %-5s %-12s %-11s %s%n", "watcher", "primary", "term", "epoch", "sdown",
                "odown", "tilt", "config", "last-leader", "last failover");
        for (AdminClient.GroupView v : views) {
            String last = v.configEpoch() == 0 ? "-" : String.format("%.1fs ago", v.sinceFailoverMs() / 1000.0)
                    + (v.lastFailoverTookMs() < 0 ? "" : ", led here, took " + v.lastFailoverTookMs() + " ms");
            out.printf("  %-10s %-8s %6d %6d %-6s %-6s %-5s %-12s %-11s %s%n", v.watcher(), v.primary(), v.term(),
                    v.configEpoch(), yes(v.sdown()), yes(v.odown()), v.learning().isEmpty() ? yes(v.tilt()) : "learn",
                    shown(v.fingerprint()),
                    v.lastLeader().isEmpty() ? "-" : v.lastLeader(), last);
        }
        for (AdminClient.GroupView v : views) {
            if (!v.learning().isEmpty()) {
                out.printf("  %s: %s; it neither votes nor leads until then%n", v.watcher(), v.learning());
            }
        }
        for (AdminClient.GroupView v : views) {
            if (!v.configPeers().isEmpty()) {
                out.printf("  %s: config %s; %s%n", v.watcher(), shown(v.fingerprint()), String.join("; ",
                        v.configPeers().stream().map(p -> peer(v, p)).toList()));
            }
        }
    }

    /** Whether every watcher that answered, and this host's file, agree on the group's fingerprint. */
    private static String configLine(List<AdminClient.GroupView> views, String local) {
        Map<String, List<String>> by = new TreeMap<>();
        views.forEach(v -> by.computeIfAbsent(shown(v.fingerprint()), f -> new ArrayList<>()).add(v.watcher()));
        String here = local.isEmpty() ? "this host's file has no such group" : "this host's file " + local;
        if (by.size() == 1 && by.containsKey(shown(local))) {
            return "config " + local + ": every watcher that answered runs this host's file";
        }
        var sb = new StringBuilder("config DIFFERS: ");
        by.forEach((f, ws) -> sb.append(String.join(", ", ws)).append(" run ").append(f).append("; "));
        return sb.append(here).toString();
    }

    private static String peer(AdminClient.GroupView v, AdminClient.ConfigPeerView p) {
        String what = p.kind().equals("agent") ? " replies" : " messages refused";
        String who = (p.kind().equals("agent") ? "agent " : "peer ") + p.id();
        if (p.fingerprint().equals(v.fingerprint())) {
            return who + " agrees again (" + p.mismatched() + what + " before)";
        }
        return who + " runs " + p.fingerprint() + " (" + p.mismatched() + what + ")";
    }

    private static String shown(String fingerprint) {
        return fingerprint.isEmpty() ? "none" : fingerprint;
    }

    private static String ms(long us) {
        return us == Long.MAX_VALUE ? "more than 5 s" : String.format("%.1f ms", us / 1000.0);
    }

    private static String yes(boolean b) {
        return b ? "YES" : "no";
    }
}
