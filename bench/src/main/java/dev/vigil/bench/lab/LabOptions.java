package dev.vigil.bench.lab;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** Options every lab benchmark takes (a picocli mixin). */
final class LabOptions {
    @Option(names = "--down-after", split = ",", defaultValue = "5000,1000",
            description = "Vigil down-after values (ms); peers are configured to match (default: ${DEFAULT-VALUE})")
    List<Long> downAfters;

    @Option(names = "--seed", defaultValue = "1", description = "fault phases and pause lengths (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--prefix", defaultValue = "bl", description = "lab namespace prefix (default: ${DEFAULT-VALUE})")
    String prefix;

    @Option(names = "--out", description = "results directory (default: bench/results)")
    Path out;
}
