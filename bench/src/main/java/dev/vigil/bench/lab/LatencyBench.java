package dev.vigil.bench.lab;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Vigil's failover latency in the netns lab: crash and hang trials at each down-after, each
 * timed from the fault to every watcher milestone (first SDOWN, the quorum's SDOWN, ODOWN,
 * leader, IP acquired, failover completed) and to the client's first answer from the standby;
 * the time after the quorum's SDOWN (last valid reply + down-after) is Vigil's overhead.
 * Manual switchover trials give the client-visible gap.
 */
@Command(name = "latency", mixinStandardHelpOptions = true,
        description = "Vigil in the netns lab: crash/hang -> SDOWN, ODOWN, leader, acquire, client answer; switchover gap.")
public final class LatencyBench implements Callable<Integer> {
    @Mixin
    LabOptions lab;

    @Option(names = "--faults", split = ",", defaultValue = "crash,hang,switchover",
            description = "default: ${DEFAULT-VALUE}")
    List<String> faults;

    @Option(names = "--trials", defaultValue = "20", description = "trials per fault and down-after (default: ${DEFAULT-VALUE})")
    int trials;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("down_after_ms", lab.downAfters);
        params.put("faults", faults);
        params.put("trials", trials);
        params.put("layout", "watchers on w1..w3, agents on n1 n2, client polling every 20 ms");
        return Runner.run("latency", lab, false, params, r -> {
            for (long d : lab.downAfters) {
                Peer p = new VigilPeer(d);
                for (String f : faults) {
                    r.latency(p, f, trials);
                }
            }
        });
    }
}
