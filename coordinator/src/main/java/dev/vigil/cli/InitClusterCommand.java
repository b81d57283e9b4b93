package dev.vigil.cli;

import dev.vigil.config.ConfigException;
import dev.vigil.config.ClusterFileTemplate;
import dev.vigil.config.ClusterFileTemplate.Member;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vigil init-cluster}: writes the cluster file of one HA pair whose floating IP is moved
 * by {@code vip-linux.sh}. The Vagrant boxes and the netns lab generate their files through the
 * same {@link ClusterFileTemplate}; the result is validated before it is written.
 */
@Command(name = "init-cluster", mixinStandardHelpOptions = true,
        description = "Write the cluster file of an HA pair with a floating IP (validated before it is written).",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:written", "1:the result would not be valid (reasons on stderr)", "2:bad usage"})
public final class InitClusterCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--watcher", required = true, paramLabel = "ID=HOST:PORT",
            description = "A voting watcher (repeat: 3 or 5 of them).")
    List<String> watchers;

    @Option(names = "--node", required = true, paramLabel = "ID=HOST:PORT",
            description = "A node's agent, in priority order: the first is the initial primary (repeat).")
    List<String> nodes;

    @Option(names = "--floating-ip", required = true, paramLabel = "IP/PREFIX", description = "The floating IP.")
    String floatingIp;

    @Option(names = "--interface", required = true, paramLabel = "IF", description = "The nodes' interface for it.")
    String iface;

    @Option(names = "--group", defaultValue = "web", description = "Group id (default: ${DEFAULT-VALUE}).")
    String group;

    @Option(names = "--state-dir", defaultValue = "/var/lib/vigil", description = "Default: ${DEFAULT-VALUE}.")
    Path stateDir;

    @Option(names = "--vip-script", defaultValue = "/usr/lib/vigil/vip-linux.sh",
            description = "The acquire/release hook (default: ${DEFAULT-VALUE}).")
    Path vipScript;

    @Option(names = "--hook", paramLabel = "KIND=ARGV",
            description = "Another hook, its argv comma-separated, e.g. --hook notify=/usr/lib/vigil/notify-log.sh "
                    + "or --hook promote=/usr/local/bin/promote-db,--fast.")
    Map<String, String> hooks = new LinkedHashMap<>();

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Any other group key, e.g. --set probe-interval=500ms --set down-after=3s.")
    Map<String, String> timings = new LinkedHashMap<>();

    @Option(names = "--out", paramLabel = "FILE", description = "Write here instead of stdout.")
    Path out;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        try {
            var template = new ClusterFileTemplate(stateDir, watchers.stream().map(Member::parse).toList(), group, floatingIp,
                    iface, nodes.stream().map(Member::parse).toList(), vipScript, timings, argvs(hooks));
            String yaml = template.renderChecked();
            if (out == null) {
                spec.commandLine().getOut().print(yaml);
                spec.commandLine().getOut().flush();
            } else {
                Files.writeString(out, yaml);
            }
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("init-cluster: " + e.getMessage());
            err.flush();
            return 2;
        } catch (ConfigException e) {
            err.println("init-cluster: these options give an invalid cluster file:");
            e.errors().forEach(err::println);
            err.flush();
            return 1;
        }
    }

    private static Map<String, List<String>> argvs(Map<String, String> hooks) {
        var out = new LinkedHashMap<String, List<String>>();
        hooks.forEach((kind, argv) -> out.put(kind, List.of(argv.split(","))));
        return out;
    }
}
