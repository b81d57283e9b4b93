package dev.vigil.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code vigil} command; subcommands hang off it. */
@Command(
    name = "vigil",
    mixinStandardHelpOptions = true,
    version = "vigil 0.1.0-SNAPSHOT",
    description = "Quorum-based failover coordinator for HA pairs.")
public final class VigilCli implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new VigilCli()).execute(args));
  }
}
