package dev.vigil.bench.lab;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Redis Sentinel: redis-server on n1 (master) and n2 (replica), a sentinel on each of w1..w3
 * with quorum 2, {@code down-after-milliseconds} set to Vigil's down-after, failover-timeout
 * 10 s as Vigil's, and a client-reconfig-script (bench/peers-config/sentinel-vip.sh) that
 * moves the floating IP with the same vip-linux.sh as Vigil's hooks. Redis is what Sentinel
 * watches; the client polls the lab's service on the floating IP as for every tool. The
 * floating IP starts on n1 by hand, as Vigil's initial primary acquires it.
 */
final class SentinelPeer implements Peer {
    private static final Pattern LOG_TIME =
            Pattern.compile("^\\d+:X (\\d{1,2} \\w{3} \\d{4} \\d{2}:\\d{2}:\\d{2}\\.\\d{3}) . (\\S+)");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("d MMM yyyy HH:mm:ss.SSS", Locale.ENGLISH);
    private static final List<String> MILESTONES =
            List.of("+sdown", "+odown", "+elected-leader", "+promoted-slave", "+switch-master");

    private final long downAfterMs;

    SentinelPeer(long downAfterMs) {
        this.downAfterMs = downAfterMs;
    }

    @Override
    public String tool() {
        return "sentinel";
    }

    @Override
    public String variant() {
        return "down-after " + downAfterMs + "ms";
    }

    @Override
    public long detectionMs() {
        return downAfterMs;
    }

    @Override
    public void start(PeerLab lab, String run) throws Exception {
        Path d = lab.dir.resolve(run);
        String master = lab.net.address("n1");
        for (String n : PeerLab.NODES) {
            lab.serve(n, run);
            Path conf = lab.render("redis.conf", Map.of("dir", d.resolve(n).toString(),
                    "replicaof", n.equals("n1") ? "" : "replicaof " + master + " 6379"), d.resolve(n).resolve("redis.conf"));
            lab.net.start(n, run + "-redis-" + n, List.of("redis-server", conf.toString()));
        }
        lab.net.exec("n1", lab.vipScript().toString(), "acquire", "--ip", PeerLab.FLOATING, "--prefix", "24",
                "--interface", "eth0", "--repeat-after", "0");
        String hosts = "%s=n1 %s=n2".formatted(master, lab.net.address("n2"));
        for (String w : PeerLab.WATCHERS) {
            Path conf = lab.render("sentinel.conf", Map.of("dir", d.resolve(w).toString(), "master", master,
                    "downAfter", String.valueOf(downAfterMs), "script", lab.config("sentinel-vip.sh").toString()),
                    d.resolve(w).resolve("sentinel.conf"));
            lab.net.start(w, run + "-sentinel-" + w, List.of("env", "PEERS_HOSTS=" + hosts,
                    "PEERS_NS_PREFIX=" + lab.net.ns(""), "PEERS_VIP=" + PeerLab.FLOATING, "PEERS_VIP_PREFIX=24",
                    "PEERS_VIP_IF=eth0", "PEERS_VIP_SCRIPT=" + lab.vipScript(), "redis-sentinel", conf.toString()));
        }
        lab.await("the replica is in sync", Duration.ofSeconds(20),
                () -> ask(lab, "n2", "-p", "6379", "info", "replication").contains("master_link_status:up"));
        for (String w : PeerLab.WATCHERS) {
            lab.await(w + " sees 3 sentinels and the replica", Duration.ofSeconds(30),
                    () -> ask(lab, w, "-p", "26379", "sentinel", "ckquorum", "web").contains("OK 3 usable")
                            && ask(lab, w, "-p", "26379", "--raw", "sentinel", "replicas", "web").contains("\nslave\n"));
        }
    }

    /** Sentinel's planned switchover: SENTINEL FAILOVER, which skips the agreement of the others. */
    @Override
    public void switchover(PeerLab lab) {
        String out = ask(lab, "w1", "-p", "26379", "sentinel", "failover", "web");
        if (!out.contains("OK")) {
            throw new IllegalStateException("SENTINEL FAILOVER web: " + out.strip());
        }
    }

    private static String ask(PeerLab lab, String host, String... args) {
        var cmd = new java.util.ArrayList<>(List.of("timeout", "2", "redis-cli"));
        cmd.addAll(List.of(args));
        try {
            return lab.net.exec(host, cmd.toArray(String[]::new));
        } catch (IllegalStateException e) {
            return "";
        }
    }

    @Override
    public Map<String, Integer> decisions(PeerLab lab, String run) {
        int sdown = 0;
        int odown = 0;
        int failovers = 0;
        for (String w : PeerLab.WATCHERS) {
            String log = KeepalivedPeer.read(log(lab, run, w));
            sdown += KeepalivedPeer.count(log, "+sdown master");
            odown = Math.max(odown, KeepalivedPeer.count(log, "+odown master"));
            failovers = Math.max(failovers, KeepalivedPeer.count(log, "+switch-master"));
        }
        return Map.of("sdown", sdown, "odown", odown, "failovers", failovers);
    }

    @Override
    public Map<String, Long> milestones(PeerLab lab, String run, long faultMonoMs, long faultWallMs) {
        Map<String, Long> first = new LinkedHashMap<>();
        List<Long> sdowns = new java.util.ArrayList<>();
        for (String w : PeerLab.WATCHERS) {
            long sdown = Long.MAX_VALUE;
            for (String line : KeepalivedPeer.read(log(lab, run, w)).split("\n")) {
                Matcher m = LOG_TIME.matcher(line);
                if (!m.find() || !MILESTONES.contains(m.group(2))) {
                    continue;
                }
                try {
                    long at = LocalDateTime.parse(m.group(1), TIME).atZone(ZoneId.systemDefault()).toInstant().toEpochMilli();
                    if (at >= faultWallMs) {
                        first.merge(m.group(2), at - faultWallMs, Math::min);
                        if (m.group(2).equals("+sdown") && line.contains("+sdown master")) {
                            sdown = Math.min(sdown, at - faultWallMs);
                        }
                    }
                } catch (DateTimeParseException e) {
                    // not a line of ours
                }
            }
            if (sdown < Long.MAX_VALUE) {
                sdowns.add(sdown);
            }
        }
        // the quorum-th sentinel's SDOWN: when the detection window closed for the decision
        sdowns.sort(null);
        Map<String, Long> ordered = new LinkedHashMap<>();
        for (String k : MILESTONES) {
            if (first.containsKey(k)) {
                ordered.put(k.substring(1), first.get(k));
            }
            if (k.equals("+sdown") && sdowns.size() >= 2) {
                ordered.put("sdown2", sdowns.get(1));
            }
        }
        return ordered;
    }

    private static Path log(PeerLab lab, String run, String w) {
        return lab.net.logs().resolve(run + "-sentinel-" + w + ".log");
    }
}
