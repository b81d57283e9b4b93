package dev.vigil.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code vigil} command: one subcommand class per verb, each returning its exit code. */
@Command(name = "vigil", mixinStandardHelpOptions = true, version = "vigil 0.1.0-SNAPSHOT",
        description = "Quorum-based failover coordinator for HA pairs with a floating IP.",
        subcommands = {DemoCommand.class, WatcherCommand.class, AgentCommand.class, StatusCommand.class,
            FailoverCommand.class, EventsCommand.class, CkquorumCommand.class, CheckConfigCommand.class, InitClusterCommand.class,
            SimulateCommand.class, LabCommand.class, AutoComplete.GenerateCompletion.class, CommandLine.HelpCommand.class})
public final class VigilCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        if ("json".equalsIgnoreCase(System.getenv("VIGIL_LOG_FORMAT"))) {
            System.setProperty("logback.configurationFile", "logback-json.xml");
        }
        System.exit(new CommandLine(new VigilCli()).execute(args));
    }
}
