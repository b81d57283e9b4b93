package dev.vigil.bench.lab;

import dev.vigil.lab.NetnsLab;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The lab the peer tools run in: the same network namespaces as Vigil's lab (n1 and n2 with a
 * service on :8080 that answers with the host's name, watcher hosts w1..w3, a client polling
 * the floating IP every 20 ms), with the helpers every tool needs: start the services, reset
 * the nodes between trials, see who holds the floating IP, and loss on a link.
 */
final class PeerLab implements AutoCloseable {
    static final String FLOATING = NetnsLab.SUBNET + "100";
    static final int PORT = 8080;
    static final List<String> NODES = List.of("n1", "n2");
    static final List<String> WATCHERS = List.of("w1", "w2", "w3");
    static final List<String> HOSTS = List.of("n1", "n2", "w1", "w2", "w3", "client");

    final NetnsLab net;
    final Path root;
    final Path dir;
    private final boolean ownClient;
    private final ClientLog client;

    private PeerLab(NetnsLab net, Path root, Path dir, boolean ownClient) {
        this.net = net;
        this.root = root;
        this.dir = dir;
        this.ownClient = ownClient;
        this.client = new ClientLog(net.logs().resolve("poll.txt"));
    }

    /**
     * Builds the namespaces; {@code dir} holds configs and logs. With {@code ownClient} the
     * lab starts the client once, for every run; without, each run's tool starts it (Vigil's
     * LabCluster does), writing the same {@code poll.txt}.
     */
    static PeerLab create(String prefix, Path root, Path dir, boolean ownClient) throws IOException {
        Files.createDirectories(dir);
        NetnsLab net = NetnsLab.create(prefix, HOSTS, dir.resolve("logs"));
        var lab = new PeerLab(net, root, dir, ownClient);
        try {
            if (ownClient) {
                lab.net.start("client", "client", lab.vigil("lab", "poll", "--host", FLOATING, "--port",
                        String.valueOf(PORT), "--every-ms", "20", "--duration-ms", String.valueOf(Duration.ofDays(1).toMillis()),
                        "--out", lab.net.logs().resolve("poll.txt").toString()));
            }
            return lab;
        } catch (IOException | RuntimeException e) {
            lab.close();
            throw e;
        }
    }

    ClientLog client() {
        return client;
    }

    Path vipScript() {
        return root.resolve("failover-scripts").resolve("vip-linux.sh");
    }

    Path config(String name) {
        return root.resolve("bench").resolve("peers-config").resolve(name);
    }

    /** The argv of the vigil CLI from the coordinator's jar. */
    List<String> vigil(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-Xss512k", "-jar", root.resolve("coordinator/target/vigil.jar").toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Starts the service that answers with the node's name. */
    void serve(String node, String run) throws IOException {
        net.start(node, run + "-svc-" + node, vigil("lab", "serve", "--port", String.valueOf(PORT), "--name", node));
    }

    /** Every process on the nodes and watcher hosts killed, links up, no drop rules, nobody holding the IP. */
    void reset() {
        net.heal();
        if (!ownClient) {
            net.kill("client");
            client.clear();
        }
        for (String h : HOSTS) {
            if (!h.equals("client")) {
                net.kill(h);
                net.link(h, true);
            }
        }
        for (String n : NODES) {
            try {
                net.exec(n, "ip", "addr", "del", FLOATING + "/" + NetnsLab.PREFIX, "dev", "eth0");
            } catch (IllegalStateException e) {
                // not held: nothing to release
            }
        }
    }

    /** The nodes whose eth0 has the floating IP now. */
    List<String> holders() {
        List<String> out = new ArrayList<>();
        for (String n : NODES) {
            if (net.exec(n, "ip", "-o", "-4", "addr", "show", "dev", "eth0").contains(" " + FLOATING + "/")) {
                out.add(n);
            }
        }
        return out;
    }

    /**
     * Drops {@code percent} of the packets crossing {@code host}'s eth0, each way, at random.
     * Loopback is spared, so local service checks still see the service.
     */
    void loss(String host, int percent) {
        String ns = net.ns(host);
        sh("ip", "netns", "exec", ns, "nft", "add", "table", "inet", "vlab");
        sh("ip", "netns", "exec", ns, "nft", "add", "chain", "inet", "vlab", "input",
                "{ type filter hook input priority 0 ; policy accept ; }");
        sh("ip", "netns", "exec", ns, "nft", "add", "chain", "inet", "vlab", "output",
                "{ type filter hook output priority 0 ; policy accept ; }");
        sh("ip", "netns", "exec", ns, "nft", "add", "rule", "inet", "vlab", "input", "iifname", "eth0",
                "numgen", "random", "mod", "100", "<", String.valueOf(percent), "drop");
        sh("ip", "netns", "exec", ns, "nft", "add", "rule", "inet", "vlab", "output", "oifname", "eth0",
                "numgen", "random", "mod", "100", "<", String.valueOf(percent), "drop");
    }

    /** Waits until {@code done}, or fails with {@code what} and the tail of every log. */
    void await(String what, Duration within, BooleanSupplier done) throws InterruptedException {
        long end = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < end) {
            if (done.getAsBoolean()) {
                return;
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("timed out after " + within.toSeconds() + " s waiting until " + what);
    }

    /**
     * Waits until the machine's CPUs were at least {@code idle} idle over half a second, at
     * most {@code within}; returns how long that took, or -1 if it never was. Freshly started
     * JVMs compile for several seconds, and a fault during that measures the JIT, not the
     * tool: in production a failure strikes daemons that have run for hours.
     */
    static long awaitIdle(double idle, Duration within) throws InterruptedException {
        long start = System.nanoTime();
        long end = start + within.toNanos();
        long[] before = cpuTimes();
        while (System.nanoTime() < end) {
            Thread.sleep(500);
            long[] now = cpuTimes();
            long total = now[0] - before[0];
            if (total > 0 && (double) (now[1] - before[1]) / total >= idle) {
                return (System.nanoTime() - start) / 1_000_000;
            }
            before = now;
        }
        return -1;
    }

    /** From /proc/stat's first line: all jiffies, and idle plus iowait jiffies. */
    private static long[] cpuTimes() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length; i++) {
                total += Long.parseLong(f[i]);
            }
            return new long[] {total, Long.parseLong(f[4]) + Long.parseLong(f[5])};
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code template} from bench/peers-config with each {@code ${key}} replaced. */
    Path render(String template, Map<String, String> values, Path out) {
        try {
            String text = Files.readString(config(template));
            for (var e : values.entrySet()) {
                text = text.replace("${" + e.getKey() + "}", e.getValue());
            }
            Files.createDirectories(out.getParent());
            Files.writeString(out, text);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String sh(String... argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", argv) + " failed: " + out.strip());
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        net.close();
    }
}
