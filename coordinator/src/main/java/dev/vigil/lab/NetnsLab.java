package dev.vigil.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A lab of hosts on one machine: each host is a network namespace with an {@code eth0} on a
 * bridge that lives in its own "switch" namespace, so the root namespace is never touched and
 * no traffic leaves the lab. Processes run inside hosts; faults are SIGKILL, SIGSTOP/SIGCONT,
 * link down, and nftables drop rules (full or one-way partitions, random loss: this kernel has
 * no netem). {@link #close()} removes everything, and {@link #sweep(String)} removes what a
 * crashed run left behind.
 */
public final class NetnsLab extends LabHosts {
    /** The lab's subnet; host {@code i} (from 0) is {@code 10.77.0.(10+i)}, the floating IP {@code .100}. */
    public static final String SUBNET = "10.77.0.";
    public static final int PREFIX = 24;

    private final String prefix;

    private NetnsLab(String prefix, Path logs) {
        super(logs);
        this.prefix = prefix;
    }

    /** Whether this machine can run a lab: root, and {@code ip netns} works. */
    public static String unavailableReason() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "needs root (network namespaces), running as " + System.getProperty("user.name");
        }
        try {
            Process p = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0 ? null : "`ip netns list` failed";
        } catch (IOException e) {
            return "no `ip` command (install iproute2)";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** Builds the lab: a switch namespace with a bridge, and one namespace per host. */
    public static NetnsLab create(String prefix, List<String> hosts, Path logs) {
        if (!prefix.matches("[a-z][a-z0-9]{0,7}")) {
            throw new IllegalArgumentException("lab prefix must be 1-8 lowercase letters/digits: " + prefix);
        }
        sweep(prefix);
        var lab = new NetnsLab(prefix, logs);
        try {
            freshLogs(logs);
            String sw = lab.ns("sw");
            sh("ip", "netns", "add", sw);
            sh("ip", "-n", sw, "link", "add", "br0", "type", "bridge");
            sh("ip", "-n", sw, "link", "set", "br0", "up");
            sh("ip", "-n", sw, "link", "set", "lo", "up");
            for (int i = 0; i < hosts.size(); i++) {
                String h = hosts.get(i);
                String ns = lab.ns(h);
                String addr = SUBNET + (10 + i);
                sh("ip", "netns", "add", ns);
                sh("ip", "-n", ns, "link", "set", "lo", "up");
                sh("ip", "-n", ns, "link", "add", "eth0", "type", "veth", "peer", "name", "p-" + h, "netns", sw);
                sh("ip", "-n", sw, "link", "set", "p-" + h, "master", "br0");
                sh("ip", "-n", sw, "link", "set", "p-" + h, "up");
                sh("ip", "-n", ns, "addr", "add", addr + "/" + PREFIX, "dev", "eth0");
                sh("ip", "-n", ns, "link", "set", "eth0", "up");
                sh("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv4.conf.eth0.arp_accept=1");
                lab.addHost(h, addr);
            }
            return lab;
        } catch (RuntimeException | IOException e) {
            lab.close();
            throw e instanceof RuntimeException r ? r : new UncheckedIOException((IOException) e);
        }
    }

    /** Deletes every namespace of a lab with this prefix, e.g. left by a killed test run. */
    public static void sweep(String prefix) {
        try {
            Process p = new ProcessBuilder("ip", "netns", "list").start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            for (String line : out.split("\n")) {
                String name = line.split(" ")[0];
                if (name.startsWith("vlab-" + prefix + "-")) {
                    killAllIn(name);
                    run("ip", "netns", "del", name);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public String ns(String host) {
        return "vlab-" + prefix + "-" + host;
    }

    @Override
    protected List<String> onHost(String host, List<String> argv) {
        var cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns(host)));
        cmd.addAll(argv);
        return cmd;
    }

    /** SIGKILL of everything in {@code host}, started here or not: a host crash, as far as Vigil can tell. */
    @Override
    public void kill(String host) {
        super.kill(host);
        killAllIn(ns(host));
    }

    @Override
    public boolean realNetwork() {
        return true;
    }

    public void link(String host, boolean up) {
        sh("ip", "-n", ns(host), "link", "set", "eth0", up ? "up" : "down");
    }

    /** Drops every packet from {@code from} to {@code to} (in {@code to}'s namespace): a one-way cut. */
    public void cut(String from, String to) {
        nft(to, "ip saddr " + address(from) + " drop");
    }

    /** Cuts both ways between the two sets of hosts. */
    public void partition(List<String> a, List<String> b) {
        for (String x : a) {
            for (String y : b) {
                cut(x, y);
                cut(y, x);
            }
        }
    }

    /** Drops {@code percent} of the packets arriving at {@code host}, at random. */
    public void loss(String host, int percent) {
        nft(host, "numgen random mod 100 < " + percent + " drop");
    }

    /** Removes every drop rule in every host. */
    public void heal() {
        for (String h : hosts()) {
            run("ip", "netns", "exec", ns(h), "nft", "delete", "table", "inet", "vlab");
        }
    }

    private void nft(String host, String rule) {
        String ns = ns(host);
        run("ip", "netns", "exec", ns, "nft", "add", "table", "inet", "vlab");
        run("ip", "netns", "exec", ns, "nft", "add", "chain", "inet", "vlab", "input",
                "{ type filter hook input priority 0 ; policy accept ; }");
        sh(("ip netns exec " + ns + " nft add rule inet vlab input " + rule).split(" "));
    }

    @Override
    public void close() {
        super.close();
        sweep(prefix);
    }

    private static void killAllIn(String ns) {
        try {
            Process p = new ProcessBuilder("ip", "netns", "pids", ns).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor(5, TimeUnit.SECONDS);
            if (!out.isEmpty()) {
                var cmd = new ArrayList<>(List.of("kill", "-KILL"));
                cmd.addAll(List.of(out.split("\\s+")));
                run(cmd.toArray(String[]::new));
            }
        } catch (IOException e) {
            // the namespace is already gone
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs a command; returns its output; throws with the output if it fails. */
    static String sh(String... argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", argv) + " failed: " + out.strip());
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(String.join(" ", argv) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", argv), e);
        }
    }

    /** As {@link #sh}, ignoring failure (cleanup, idempotent setup). */
    static void run(String... argv) {
        try {
            sh(argv);
        } catch (IllegalStateException e) {
            // ignored on purpose
        }
    }
}
