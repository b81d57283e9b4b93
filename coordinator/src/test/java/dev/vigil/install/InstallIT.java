package dev.vigil.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.config.ClusterFile;
import dev.vigil.config.ClusterFileLoader;
import dev.vigil.failover.HookKind;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Installation and the Vagrant demo, every step that needs no VM: shellcheck on every
 * provisioning and install script; {@code packaging/install.sh} into a staging root (layout,
 * modes, a second run changing nothing, bad arguments refused); {@code systemd-analyze verify}
 * on the installed units; vip-linux.sh run with exactly the agent unit's capabilities, as an
 * unprivileged user in a network namespace; the demo's cluster file written by {@code vagrant/cluster-file.sh}
 * (through {@code vigil init-cluster}, as provisioning does), loaded as the daemons load it,
 * with its hooks where install.sh puts them; and {@code vagrant validate}. A missing tool
 * skips its test with the reason; CI installs them all.
 */
class InstallIT {
    /** The working directory of the test is coordinator/. */
    private static final Path REPO = Paths.get("..").toAbsolutePath().normalize();
    private static final Path JAR = REPO.resolve("coordinator/target/vigil.jar");
    private static final Path INSTALL = REPO.resolve("packaging/install.sh");
    private static final Path CLUSTER_FILE_SH = REPO.resolve("vagrant/cluster-file.sh");
    private static final Path PROVISION = REPO.resolve("vagrant/provision.sh");

    @Test
    void everyProvisioningAndInstallScriptPassesShellcheck() throws Exception {
        assumeTool("shellcheck");
        List<String> argv = new ArrayList<>(List.of("shellcheck", "--severity=style"));
        scripts().forEach(p -> argv.add(p.toString()));
        assertTrue(argv.size() >= 6, "too few scripts found: " + argv);
        Result r = run(REPO, Map.of(), argv);
        assertEquals(0, r.code, "shellcheck:\n" + r.out);
    }

    @Test
    void installStagesTheLayoutAndASecondRunChangesNothing(@TempDir Path tmp) throws Exception {
        Path root = tmp.resolve("root");
        Path cluster = demoClusterFile(tmp);
        Result first = install(root, "--cluster-file", cluster.toString());
        assertEquals(0, first.code, first.out);

        Map<String, String> modes = new LinkedHashMap<>();
        modes.put("usr/lib/vigil/vigil.jar", "rw-r--r--");
        modes.put("usr/lib/vigil/vip-linux.sh", "rwxr-xr-x");
        modes.put("usr/lib/vigil/notify-log.sh", "rwxr-xr-x");
        modes.put("usr/lib/vigil/promote-example.sh", "rwxr-xr-x");
        modes.put("usr/bin/vigil", "rwxr-xr-x");
        modes.put("usr/lib/sysusers.d/vigil.conf", "rw-r--r--");
        modes.put("etc/systemd/system/vigil-watcher@.service", "rw-r--r--");
        modes.put("etc/systemd/system/vigil-agent@.service", "rw-r--r--");
        modes.put("etc/vigil/vigil.env", "rw-r--r--");
        modes.put("etc/vigil/cluster.yaml", "rw-r--r--");
        for (var e : modes.entrySet()) {
            Path p = root.resolve(e.getKey());
            assertTrue(Files.isRegularFile(p), "not installed: /" + e.getKey() + "\n" + first.out);
            assertEquals(e.getValue(), java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(p)), "mode of /" + e.getKey());
            assertTrue(first.out.contains("updated /" + e.getKey()), "not reported: /" + e.getKey() + "\n" + first.out);
        }
        assertEquals(Files.size(JAR), Files.size(root.resolve("usr/lib/vigil/vigil.jar")));
        try (Stream<Path> all = Files.walk(root)) {
            List<Path> files = all.filter(Files::isRegularFile).toList();
            assertEquals(modes.size(), files.size(), "unexpected files: " + files);
        }

        Result second = install(root, "--cluster-file", cluster.toString());
        assertEquals(0, second.code, second.out);
        assertFalse(second.out.contains("updated "), "second run changed files:\n" + second.out);
        assertTrue(second.out.contains(": 0 updated, " + modes.size() + " unchanged"), second.out);

        // The installed command finds the jar beside itself, wherever the root is.
        Result version = run(tmp, Map.of(), List.of(root.resolve("usr/bin/vigil").toString(), "--version"));
        assertEquals(0, version.code, version.out);
        assertTrue(version.out.startsWith("vigil "), version.out);
    }

    @Test
    void installWithAnotherPrefixPointsTheUnitsThere(@TempDir Path tmp) throws Exception {
        Path root = tmp.resolve("root");
        Result r = install(root, "--prefix", "/opt/vigil");
        assertEquals(0, r.code, r.out);
        assertTrue(Files.isRegularFile(root.resolve("opt/vigil/lib/vigil/vigil.jar")), r.out);
        for (String unit : List.of("vigil-watcher@.service", "vigil-agent@.service")) {
            String text = Files.readString(root.resolve("etc/systemd/system").resolve(unit));
            assertTrue(text.contains("ExecStart=/opt/vigil/bin/vigil "), unit + ":\n" + text);
        }
    }

    @Test
    void scriptsRefuseBadArguments(@TempDir Path tmp) throws Exception {
        record Case(List<String> argv, int code, String message) {}
        String jar = JAR.toString();
        List<Case> cases = List.of(
                new Case(List.of(INSTALL.toString(), "--bogus"), 2, "unknown argument '--bogus'"),
                new Case(List.of(INSTALL.toString(), "--root"), 2, "option --root needs a value"),
                new Case(List.of(INSTALL.toString(), "--prefix", "usr"), 2, "must be an absolute path"),
                new Case(List.of(INSTALL.toString(), "--prefix", "/usr/../etc"), 2, "must be an absolute path"),
                new Case(List.of(INSTALL.toString(), "--root", tmp.resolve("r").toString(), "--jar", "/etc/hostname"),
                        1, "is not a jar"),
                new Case(List.of(INSTALL.toString(), "--root", tmp.resolve("r").toString(), "--jar", jar,
                        "--cluster-file", "/nonexistent"), 1, "no cluster file at '/nonexistent'"),
                new Case(List.of(CLUSTER_FILE_SH.toString()), 2, "--out FILE is required"),
                new Case(List.of(CLUSTER_FILE_SH.toString(), "--out", "x", "--jar", "/nonexistent"), 2,
                        "--jar '/nonexistent' is not a file"),
                new Case(List.of(PROVISION.toString()), 2, "--host is required"),
                new Case(List.of(PROVISION.toString(), "--host", "n3"), 2, "--host 'n3' is not one of n1, n2, w3"),
                new Case(List.of(PROVISION.toString(), "--host", "n1", "--src", tmp.toString()), 1,
                        "coordinator/target/vigil.jar is missing"));
        for (Case c : cases) {
            Result r = run(tmp, Map.of(), c.argv);
            assertEquals(c.code, r.code, c.argv + ":\n" + r.out);
            assertTrue(r.out.contains(c.message), c.argv + ": expected '" + c.message + "' in:\n" + r.out);
        }
        assertFalse(Files.exists(tmp.resolve("r")), "a refused install must not create its root");

        Path badEnv = Files.writeString(tmp.resolve("bad.env"), "N1_IP=10.0.0.1 # a comment here\n");
        Result r = run(tmp, Map.of(), List.of(CLUSTER_FILE_SH.toString(), "--env", badEnv.toString(),
                "--jar", jar, "--out", tmp.resolve("c.yaml").toString()));
        assertEquals(2, r.code, r.out);
        assertTrue(r.out.contains("bad.env:1: expected KEY=VALUE"), r.out);
    }

    @Test
    void unitsPassSystemdAnalyzeVerify(@TempDir Path tmp) throws Exception {
        assumeTool("systemd-analyze");
        Path systemUnits = Paths.get("/lib/systemd/system");
        Assumptions.assumeTrue(Files.isRegularFile(systemUnits.resolve("multi-user.target")),
                "needs systemd's own units in " + systemUnits + " (package systemd)");
        Path root = tmp.resolve("root");
        assertEquals(0, install(root).code);
        Files.copy(REPO.resolve("vagrant/vigil-demo-web.service"),
                root.resolve("etc/systemd/system/vigil-demo-web.service"));
        // --root checks ExecStart inside the staged root, but then needs the targets the units
        // refer to (multi-user.target, network-online.target) there too.
        copyTree(systemUnits, root.resolve("usr/lib/systemd/system"));

        Result r = run(tmp, Map.of("SYSTEMD_LOG_COLOR", "0"), List.of("systemd-analyze", "verify", "--man=no",
                "--root=" + root, "vigil-watcher@w1.service", "vigil-agent@n1.service", "vigil-demo-web.service"));
        // verify exits 0 on unknown keys and bad values: any message at all is a failure.
        assertEquals(0, r.code, r.out);
        assertEquals("", r.out.strip(), "systemd-analyze verify complained");

        // It does look: a unit whose command is missing fails.
        Files.delete(root.resolve("usr/bin/vigil"));
        Result missing = run(tmp, Map.of(), List.of("systemd-analyze", "verify", "--man=no", "--root=" + root,
                "vigil-agent@n1.service"));
        assertTrue(missing.code != 0 && missing.out.contains("/usr/bin/vigil"), missing.out);
    }

    @Test
    void unitsRunAsVigilWithOnlyTheCapabilitiesTheirHooksNeed() throws Exception {
        Map<String, String> watcher = directives(REPO.resolve("packaging/systemd/vigil-watcher@.service"));
        Map<String, String> agent = directives(REPO.resolve("packaging/systemd/vigil-agent@.service"));
        for (Map<String, String> unit : List.of(watcher, agent)) {
            assertEquals("vigil", unit.get("User"));
            assertEquals("on-failure", unit.get("Restart"));
            assertEquals("vigil", unit.get("StateDirectory"));
            assertEquals("strict", unit.get("ProtectSystem"));
            assertEquals("yes", unit.get("NoNewPrivileges"));
            assertEquals("-/etc/vigil/vigil.env", unit.get("EnvironmentFile"));
        }
        assertEquals("", watcher.get("CapabilityBoundingSet"));
        assertEquals("", watcher.get("AmbientCapabilities"));
        assertEquals("CAP_NET_ADMIN CAP_NET_RAW", agent.get("CapabilityBoundingSet"));
        assertEquals("CAP_NET_ADMIN CAP_NET_RAW", agent.get("AmbientCapabilities"));
        assertTrue(watcher.get("ExecStart").startsWith("/usr/bin/vigil watcher --config /etc/vigil/cluster.yaml --id %i"));
        assertTrue(agent.get("ExecStart").startsWith("/usr/bin/vigil agent --config /etc/vigil/cluster.yaml --node %i"));
        // Stopping is a handover: SIGTERM to the agent alone, and time for the handover and a release hook.
        assertTrue(agent.get("ExecStart").endsWith(" --stop-timeout 10s"), agent.get("ExecStart"));
        assertEquals("SIGTERM", agent.get("KillSignal"));
        assertEquals("mixed", agent.get("KillMode"));
        assertEquals("30s", agent.get("TimeoutStopSec"));
    }

    /**
     * The agent unit's capabilities are enough for vip-linux.sh, and needed: the hook runs as
     * nobody with no_new_privs and only the unit's capabilities (ambient, as systemd grants
     * them), in a network namespace, and adds, announces and removes an address; with the
     * watcher unit's (none) it is refused.
     */
    @Test
    void theAgentUnitsCapabilitiesAreEnoughForVipLinuxAndNeeded(@TempDir Path tmp) throws Exception {
        assumeTool("setpriv");
        Result uid = run(tmp, Map.of(), List.of("id", "-u"));
        Assumptions.assumeTrue(uid.out.strip().equals("0"), "needs root to create a network namespace");
        String ns = "vigil-cap-" + ProcessHandle.current().pid();
        Assumptions.assumeTrue(run(tmp, Map.of(), List.of("ip", "netns", "add", ns)).code == 0, "`ip netns add` failed");
        try {
            for (List<String> step : List.of(
                    List.of("ip", "-n", ns, "link", "add", "eth1", "type", "veth", "peer", "name", "eth2"),
                    List.of("ip", "-n", ns, "link", "set", "eth1", "up"),
                    List.of("ip", "-n", ns, "link", "set", "eth2", "up"),
                    List.of("ip", "-n", ns, "addr", "add", "10.9.9.1/24", "dev", "eth1"))) {
                Result r = run(tmp, Map.of(), step);
                assertEquals(0, r.code, step + ": " + r.out);
            }
            String agentCaps = directives(REPO.resolve("packaging/systemd/vigil-agent@.service")).get("AmbientCapabilities");
            String watcherCaps = directives(REPO.resolve("packaging/systemd/vigil-watcher@.service")).get("AmbientCapabilities");

            Result acquire = hookAs(tmp, ns, agentCaps, "acquire");
            assertEquals(0, acquire.code, acquire.out);
            assertTrue(acquire.out.contains("added, announced (3 gratuitous ARP)"), acquire.out);
            Result held = run(tmp, Map.of(), List.of("ip", "-n", ns, "-o", "addr", "show", "dev", "eth1"));
            assertTrue(held.out.contains("10.9.9.100/24"), held.out);

            Result refused = hookAs(tmp, ns, watcherCaps, "release");
            assertEquals(1, refused.code, refused.out);
            assertTrue(refused.out.contains("Operation not permitted"), refused.out);

            Result release = hookAs(tmp, ns, agentCaps, "release");
            assertEquals(0, release.code, release.out);
            assertTrue(release.out.contains("removed"), release.out);
        } finally {
            run(tmp, Map.of(), List.of("ip", "netns", "del", ns));
        }
    }

    /** vip-linux.sh ACTION in ns as user nobody, no_new_privs, with only CAPS ("CAP_A CAP_B" or ""). */
    private static Result hookAs(Path tmp, String ns, String caps, String action) throws Exception {
        String set = Stream.of(caps.split("\\s+")).filter(c -> !c.isEmpty())
                .map(c -> ",+" + c.toLowerCase(java.util.Locale.ROOT).replaceFirst("^cap_", ""))
                .collect(Collectors.joining("", "-all", ""));
        return run(tmp, Map.of(), List.of("ip", "netns", "exec", ns, "setpriv", "--reuid=65534", "--regid=65534",
                "--clear-groups", "--no-new-privs", "--inh-caps=" + set, "--ambient-caps=" + set, "--bounding-set=" + set,
                "env", "-i", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "VIGIL_FLOATING_IP=10.9.9.100", "VIGIL_PREFIX=24",
                "VIGIL_INTERFACE=eth1", REPO.resolve("failover-scripts/vip-linux.sh").toString(), action));
    }

    @Test
    void theDemoClusterFileLoadsAndItsHooksAreInstalled(@TempDir Path tmp) throws Exception {
        Path yaml = demoClusterFile(tmp);
        // check-config's semantics, with the hooks looked for in the staged root below.
        ClusterFile cluster = ClusterFileLoader.load(yaml, Set.of());
        Map<String, String> env = env(REPO.resolve("vagrant/cluster.env"));
        assertEquals(List.of("w1=" + env.get("N1_IP") + ":7400", "w2=" + env.get("N2_IP") + ":7400",
                        "w3=" + env.get("W3_IP") + ":7400"),
                cluster.watchers().stream().map(w -> w.id().value() + "=" + w.address().host() + ":"
                        + w.address().port()).toList());
        assertEquals(1, cluster.groups().size());
        ClusterFile.GroupEntry web = cluster.groups().get(0);
        assertEquals(env.get("FLOATING_IP"), web.floatingIp().address() + "/" + web.floatingIp().prefix());
        assertEquals(env.get("VIP_INTERFACE"), web.iface());
        assertEquals("n1", web.protocol().initialPrimary().value());
        assertEquals(Path.of("/var/lib/vigil"), cluster.stateDir());

        Path root = tmp.resolve("root");
        assertEquals(0, install(root, "--cluster-file", yaml.toString()).code);
        for (HookKind kind : HookKind.values()) {
            web.hooks().of(kind).ifPresent(argv -> {
                Path installed = root.resolve(argv.get(0).substring(1));
                assertTrue(Files.isExecutable(installed), kind + " hook " + argv.get(0) + " is not installed");
            });
        }
        assertTrue(web.hooks().of(HookKind.ACQUIRE).isPresent(), "no acquire hook");
        // The staged copy is the generated file, byte for byte.
        assertEquals(Files.readString(yaml), Files.readString(root.resolve("etc/vigil/cluster.yaml")));
    }

    @Test
    void vagrantfileValidates(@TempDir Path tmp) throws Exception {
        assumeTool("vagrant");
        assertTrue(Files.isRegularFile(JAR), "the Vagrantfile uploads " + JAR + ", built by the package phase");
        Path home = Files.createDirectories(tmp.resolve("vagrant-home"));
        // No provider is installed on CI: --ignore-provider checks everything but the
        // virtualbox/libvirt blocks (the file uploads, the networks, the provisioners).
        // Vagrant's state goes to the temp dir, not to ~/.vagrant.d or vagrant/.vagrant.
        Map<String, String> env = Map.of("VAGRANT_HOME", home.toString(),
                "VAGRANT_DOTFILE_PATH", tmp.resolve("dotfile").toString(), "VAGRANT_CHECKPOINT_DISABLE", "1");
        Result r = run(REPO.resolve("vagrant"), env, List.of("vagrant", "validate", "--ignore-provider"));
        assertEquals(0, r.code, "vagrant validate:\n" + r.out);
        assertTrue(r.out.contains("Vagrantfile validated successfully"), r.out);
    }

    // ---- helpers ----------------------------------------------------------------------------

    private static List<Path> scripts() throws IOException {
        List<Path> out = new ArrayList<>();
        for (String dir : List.of("vagrant", "packaging")) {
            try (Stream<Path> s = Files.list(REPO.resolve(dir))) {
                s.filter(p -> p.toString().endsWith(".sh")).sorted().forEach(out::add);
            }
        }
        return out;
    }

    private static Path demoClusterFile(Path tmp) throws Exception {
        Path yaml = tmp.resolve("cluster.yaml");
        Result r = run(tmp, Map.of(), List.of(CLUSTER_FILE_SH.toString(), "--jar", JAR.toString(), "--out", yaml.toString()));
        assertEquals(0, r.code, "cluster-file.sh:\n" + r.out);
        return yaml;
    }

    private static Result install(Path root, String... more) throws Exception {
        List<String> argv = new ArrayList<>(List.of(INSTALL.toString(), "--root", root.toString(), "--jar", JAR.toString()));
        argv.addAll(List.of(more));
        return run(root.getParent(), Map.of(), argv);
    }

    /** The [Service] directives of a unit file, the last of each key winning as in systemd. */
    private static Map<String, String> directives(Path unit) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(unit)) {
            int eq = line.indexOf('=');
            if (!line.startsWith("#") && !line.startsWith("[") && eq > 0) {
                out.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
            }
        }
        return out;
    }

    private static Map<String, String> env(Path file) throws IOException {
        return Files.readAllLines(file).stream().filter(l -> l.matches("[A-Z][A-Z0-9_]*=.*"))
                .collect(Collectors.toMap(l -> l.substring(0, l.indexOf('=')), l -> l.substring(l.indexOf('=') + 1)));
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES, java.nio.file.LinkOption.NOFOLLOW_LINKS);
                }
            }
        }
    }

    private static void assumeTool(String tool) throws Exception {
        Result r = run(REPO, Map.of(), List.of("bash", "-c", "command -v \"$0\"", tool));
        Assumptions.assumeTrue(r.code == 0, () -> tool + " is not installed (CI installs it through .ci/run)");
    }

    private record Result(int code, String out) {}

    /** Runs argv in dir with stderr merged into stdout; fails the test after 2 minutes. */
    private static Result run(Path dir, Map<String, String> env, List<String> argv) throws Exception {
        Path log = Files.createTempFile("vigil-install-it", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError(argv + " did not finish within 2 minutes:\n" + Files.readString(log));
            }
            return new Result(p.exitValue(), Files.readString(log));
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
