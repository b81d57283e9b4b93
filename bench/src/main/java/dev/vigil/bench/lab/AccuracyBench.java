package dev.vigil.bench.lab;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Vigil's accuracy in the netns lab: a healthy primary under random loss on its link (each
 * way) and under repeated SIGSTOP pauses, each for a bounded time; every SDOWN, ODOWN and
 * failover counted is false.
 */
@Command(name = "accuracy", mixinStandardHelpOptions = true,
        description = "Vigil in the netns lab: false SDOWN, ODOWN and failovers under loss and pauses.")
public final class AccuracyBench implements Callable<Integer> {
    @Mixin
    LabOptions lab;

    @Mixin
    AccuracyOptions accuracy;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("down_after_ms", lab.downAfters);
        params.put("loss_percent", accuracy.losses);
        params.put("pause_max_ms", accuracy.pauseMaxMs);
        params.put("seconds", accuracy.seconds);
        return Runner.run("accuracy", lab, false, params, r -> {
            for (long d : lab.downAfters) {
                r.accuracy(new VigilPeer(d), accuracy.losses, accuracy.pauseMaxMs, accuracy.seconds);
            }
        });
    }
}
