package dev.vigil.cli;

import dev.vigil.lab.LabTraffic;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vigil lab serve|poll}: the lab's service and client, run inside its namespaces. */
@Command(name = "lab", hidden = true, description = "Lab traffic: a service that answers with its name, a client.",
        subcommands = {LabCommand.Serve.class, LabCommand.Poll.class})
public final class LabCommand {
    @Command(name = "serve", description = "Answer each TCP connection with NAME.")
    static final class Serve implements Callable<Integer> {
        @Option(names = "--port", required = true)
        int port;

        @Option(names = "--name", required = true)
        String name;

        @Override
        public Integer call() throws Exception {
            LabTraffic.serve(port, name);
            return 0;
        }
    }

    @Command(name = "poll", description = "Connect to HOST:PORT every few ms and log who answered.")
    static final class Poll implements Callable<Integer> {
        @Option(names = "--host", required = true)
        String host;

        @Option(names = "--port", required = true)
        int port;

        @Option(names = "--every-ms", defaultValue = "20")
        long everyMs;

        @Option(names = "--duration-ms", defaultValue = "600000")
        long durationMs;

        @Option(names = "--out", required = true)
        Path out;

        @Override
        public Integer call() throws Exception {
            LabTraffic.poll(host, port, everyMs, durationMs, out);
            return 0;
        }
    }
}
