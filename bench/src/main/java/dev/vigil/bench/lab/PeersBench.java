package dev.vigil.bench.lab;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The peers benchmark: keepalived (VRRP) and Redis Sentinel in the same netns lab as Vigil,
 * under the same faults, each in the configuration closest to Vigil's (BENCHMARKS.md,
 * "Peers"). Needs root, keepalived, redis-server and redis-sentinel.
 */
@Command(name = "peers", mixinStandardHelpOptions = true,
        description = "keepalived and Redis Sentinel under Vigil's lab faults: failover latency and false failovers.")
public final class PeersBench implements Callable<Integer> {
    @Mixin
    LabOptions lab;

    @Mixin
    AccuracyOptions accuracy;

    @Option(names = "--tools", split = ",", defaultValue = "keepalived,sentinel", description = "default: ${DEFAULT-VALUE}")
    List<String> tools;

    @Option(names = "--keepalived-stock", arity = "1", defaultValue = "true",
            description = "also keepalived with the stock advert_int 1 s: true or false (default: ${DEFAULT-VALUE})")
    boolean stock;

    @Option(names = "--faults", split = ",", defaultValue = "crash,hang,switchover",
            description = "latency faults (default: ${DEFAULT-VALUE})")
    List<String> faults;

    @Option(names = "--trials", defaultValue = "20", description = "trials per fault and configuration (default: ${DEFAULT-VALUE})")
    int trials;

    @Option(names = "--skip-latency", description = "accuracy only")
    boolean skipLatency;

    @Option(names = "--skip-accuracy", description = "latency only")
    boolean skipAccuracy;

    @Override
    public Integer call() throws Exception {
        List<Peer> peers = new ArrayList<>();
        for (String tool : tools) {
            switch (tool) {
                case "keepalived" -> {
                    if (stock) {
                        peers.add(KeepalivedPeer.stock());
                    }
                    lab.downAfters.forEach(d -> peers.add(KeepalivedPeer.matching(d)));
                }
                case "sentinel" -> lab.downAfters.forEach(d -> peers.add(new SentinelPeer(d)));
                default -> throw new IllegalArgumentException("unknown tool " + tool + " (keepalived, sentinel)");
            }
        }
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("peers", peers.stream().map(p -> p.tool() + " " + p.variant()).toList());
        params.put("faults", skipLatency ? List.of() : faults);
        params.put("trials", trials);
        params.put("loss_percent", skipAccuracy ? List.of() : accuracy.losses);
        params.put("pause_max_ms", skipAccuracy ? 0 : accuracy.pauseMaxMs);
        params.put("accuracy_seconds", accuracy.seconds);
        return Runner.run("peers", lab, true, params, r -> {
            for (Peer p : peers) {
                if (!skipLatency) {
                    for (String f : faults) {
                        r.latency(p, f, trials);
                    }
                }
                if (!skipAccuracy) {
                    r.accuracy(p, accuracy.losses, accuracy.pauseMaxMs, accuracy.seconds);
                }
            }
        });
    }
}
