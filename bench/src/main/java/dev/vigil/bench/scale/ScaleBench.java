package dev.vigil.bench.scale;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The scale benchmark: 3 watcher processes monitoring N groups on loopback. */
@Command(name = "scale", mixinStandardHelpOptions = true,
        description = "3 watchers monitoring N groups on loopback: CPU, RSS, probe lag, false SDOWN, failover time.")
public final class ScaleBench implements Callable<Integer> {
    @Option(names = "--groups", split = ",", defaultValue = "1000,5000,10000", description = "group counts (default: ${DEFAULT-VALUE})")
    List<Integer> groups;

    @Option(names = "--duration", defaultValue = "60s", description = "measured time per group count (default: ${DEFAULT-VALUE})")
    String duration;

    @Override
    public Integer call() {
        System.err.println("bench scale: not written yet");
        return 2;
    }
}
