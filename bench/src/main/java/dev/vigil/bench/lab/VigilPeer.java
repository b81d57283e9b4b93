package dev.vigil.bench.lab;

import dev.vigil.lab.LabCluster;
import dev.vigil.lab.LabEvent;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Vigil itself, through the lab's {@link LabCluster}: three watchers on w1..w3 (the layout
 * with separate watcher hosts, as Sentinel's), agents and services on n1 and n2, the client
 * polling the floating IP. The probe interval is {@code min(1 s, down-after / 4)}, the largest
 * that satisfies fence-after (3/4 of down-after) ≥ 2 × probe-interval + probe-timeout and
 * fence-after ≤ down-after − probe-interval: 1 s at down-after 5 s, 250 ms at 1 s.
 * failover-timeout is 10 s, as Sentinel's in this benchmark.
 */
final class VigilPeer implements Peer {
    private final long downAfterMs;
    private LabCluster cluster;
    private long runStart;

    VigilPeer(long downAfterMs) {
        this.downAfterMs = downAfterMs;
    }

    long probeIntervalMs() {
        return Math.min(1000, downAfterMs / 4);
    }

    @Override
    public String tool() {
        return "vigil";
    }

    @Override
    public String variant() {
        return "down-after " + downAfterMs + "ms probe " + probeIntervalMs() + "ms";
    }

    @Override
    public long detectionMs() {
        return downAfterMs;
    }

    @Override
    public void start(PeerLab lab, String run) throws Exception {
        long started = ClientLog.now();
        cluster = LabCluster.start(lab.net, new LabCluster.Options(LabCluster.Layout.SEPARATE, probeIntervalMs() + "ms",
                downAfterMs + "ms", "10s", Map.of()), lab.root.resolve("coordinator/target/vigil.jar"), lab.dir.resolve(run));
        lab.await("n1 holds the floating IP", Duration.ofSeconds(30), () -> lab.holders().equals(List.of("n1")));
        // a few probe rounds, so every watcher has had valid replies from both agents before a fault
        Thread.sleep(3 * probeIntervalMs() + 1000);
        // A failover while the JVMs warm up (at down-after 1 s, probe replies later than the 125 ms
        // timeout) bars the trial's own failover for failover-timeout: such a start does not count.
        if (since(started).stream().anyMatch(e -> e.type().equals("FailoverCompleted"))) {
            throw new IllegalStateException("not a clean start: the group failed over while starting");
        }
        // decisions are counted from here: a start's own SDOWNs (JVMs warming up) are not the fault's
        runStart = ClientLog.now();
    }

    @Override
    public void switchover(PeerLab lab) {
        cluster.cli("w1", "failover", "web", "--to", "n2");
    }

    @Override
    public Map<String, Integer> decisions(PeerLab lab, String run) {
        List<LabEvent> events = since(runStart);
        Map<String, Integer> out = new LinkedHashMap<>();
        out.put("sdown", count(events, e -> e.is("SdownChanged", "down", "true")));
        int odown = 0;
        for (String w : LabCluster.WATCHERS) {
            odown = Math.max(odown, count(events, e -> e.is("OdownChanged", "down", "true") && e.field("watcher").equals(w)));
        }
        out.put("odown", odown);
        out.put("failovers", count(events, e -> e.type().equals("FailoverCompleted")));
        out.put("tilt", count(events, e -> e.is("TiltChanged", "tilt", "true")));
        return out;
    }

    @Override
    public Map<String, Long> milestones(PeerLab lab, String run, long faultMonoMs, long faultWallMs) {
        List<LabEvent> events = since(faultMonoMs);
        Map<String, Long> out = new LinkedHashMap<>();
        Set<String> down = new HashSet<>();
        for (LabEvent e : events) {
            if (e.is("SdownChanged", "node", "n1") && e.field("down").equals("true") && down.add(e.field("watcher"))) {
                out.putIfAbsent(down.size() == 1 ? "sdown" : "sdown2", e.at() - faultMonoMs);
            }
        }
        first(events, e -> e.is("OdownChanged", "down", "true")).ifPresent(e -> out.put("odown", e.at() - faultMonoMs));
        first(events, e -> e.type().equals("LeaderElected")).ifPresent(e -> out.put("leader", e.at() - faultMonoMs));
        first(events, e -> e.is("AgentObeyed", "node", "n2") && e.field("command").startsWith("promote"))
                .ifPresent(e -> out.put("promote", e.at() - faultMonoMs));
        first(events, e -> e.is("IpChanged", "node", "n2") && e.field("held").equals("true"))
                .ifPresent(e -> out.put("acquired", e.at() - faultMonoMs));
        first(events, e -> e.type().equals("FailoverCompleted")).ifPresent(e -> out.put("completed", e.at() - faultMonoMs));
        return out;
    }

    private List<LabEvent> since(long mono) {
        return cluster == null ? List.of() : cluster.events().stream().filter(e -> e.at() >= mono).toList();
    }

    private static int count(List<LabEvent> events, Predicate<LabEvent> p) {
        return (int) events.stream().filter(p).count();
    }

    private static Optional<LabEvent> first(List<LabEvent> events, Predicate<LabEvent> p) {
        return events.stream().filter(p).findFirst();
    }
}
