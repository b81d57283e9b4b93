package dev.vigil.bench.lab;

import java.util.List;
import picocli.CommandLine.Option;

/** The accuracy runs' options (a picocli mixin): loss levels, pauses, how long each runs. */
final class AccuracyOptions {
    @Option(names = "--loss", split = ",", defaultValue = "5,20,40",
            description = "loss on the primary's link, %% each way; empty for none (default: ${DEFAULT-VALUE})")
    List<Integer> losses;

    @Option(names = "--pause-max-ms", defaultValue = "3000",
            description = "pauses of the primary last 1 s to this; 0 for none (default: ${DEFAULT-VALUE})")
    long pauseMaxMs;

    @Option(names = "--seconds", defaultValue = "60", description = "per loss level and for the pauses (default: ${DEFAULT-VALUE})")
    long seconds;
}
