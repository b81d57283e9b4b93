package dev.vigil.lab;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.lab.LabCluster.Layout;
import dev.vigil.time.SystemScheduler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reboot of {@code LabScenariosIT} without root: the lab on loopback addresses, so no
 * floating IP and no client; that n2 took the IP is read from its log. n2's agent restarts on
 * a clock that starts near zero ({@value SystemScheduler#ORIGIN_PROPERTY}), far below the
 * stamps the running watchers acked, and is then made primary by {@code vigil failover}.
 * Logs: {@code coordinator/target/lab-logs/loopback-reboot/}.
 */
class LoopbackRebootIT {
    private static final Path JAR = Paths.get("target", "vigil.jar").toAbsolutePath();
    private static final long DOWN_AFTER_MS = 3_000;

    @TempDir
    Path dir;

    private LabCluster cluster;

    @AfterEach
    void close() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** When {@code node} first logged that it acquired the IP after {@code after}. */
    private OptionalLong acquired(String node, long after) {
        return cluster.events().stream().filter(e -> e.at() > after && e.is("IpChanged", "node", node)
                && e.field("held").equals("true")).mapToLong(LabEvent::at).findFirst();
    }

    @Test
    void rebootedStandbyAcquiresWhenSwitchedTo() throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(JAR), "skipped: no " + JAR + " (run mvn package)");
        var hosts = new LoopbackHosts(Layout.WITNESS.hosts(), Paths.get("target", "lab-logs", "loopback-reboot"));
        cluster = LabCluster.start(hosts, LabCluster.Options.of(Layout.WITNESS, "500ms", DOWN_AFTER_MS + "ms"), JAR, dir);
        cluster.await("n1 acquires", Duration.ofSeconds(40), () -> acquired("n1", 0).isPresent());
        Thread.sleep(DOWN_AFTER_MS); // the JVMs warm up before the fault

        long origin = -(LabCluster.now() - 5_000);
        cluster.restartAgent("n2", List.of("-D" + SystemScheduler.ORIGIN_PROPERTY + "=" + origin));
        Thread.sleep(DOWN_AFTER_MS); // six probe intervals: every watcher acks the new incarnation's stamps
        long asked = LabCluster.now();
        String out;
        try {
            out = cluster.cli("client", "failover", "web", "--to", "n2");
        } catch (IllegalStateException e) { // before the fix: promoted, but no lease, so no acquire
            throw new AssertionError("the switchover to the rebooted n2 failed: " + e.getMessage() + cluster.tails(), e);
        }
        cluster.await("n2 acquires", Duration.ofSeconds(10), () -> acquired("n2", asked).isPresent());
        long acquired = acquired("n2", asked).getAsLong();
        long promoted = cluster.first("AgentObeyed", "node", "n2", asked).orElseThrow().at();
        System.out.printf("loopback lab: rebooted n2 acquired %d ms after its Promote (%d ms after vigil failover "
                + "started)%n", acquired - promoted, acquired - asked);
        assertTrue(out.contains("primary is now n2"), out);
        assertTrue(acquired - promoted < 2_000, "n2 acquired " + (acquired - promoted) + " ms after its Promote"
                + cluster.tails());
    }
}
