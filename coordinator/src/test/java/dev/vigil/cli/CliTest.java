package dev.vigil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The CLI through picocli's execute(): exit codes and what an operator reads. */
class CliTest {
    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        var cli = new CommandLine(new VigilCli());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void simulateEndsWithExactlyOneSummaryLine() {
        Run r = run("simulate", "--seeds", "20", "--seed", "100", "--threads", "2");
        assertEquals(0, r.exit(), r.out());
        String[] lines = r.out().strip().split("\n");
        String last = lines[lines.length - 1];
        assertTrue(last.matches("simulate: seeds=20 violations=0 failovers=\\d+ elapsed=\\d+\\.\\ds"), last);
        assertEquals(1, r.out().lines().filter(l -> l.startsWith("simulate:")).count());
    }

    @Test
    void simulateRejectsBadWatcherCountsWithExitTwo() {
        Run r = run("simulate", "--watchers", "4");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--watchers must be 3 or 5, got 4"), r.err());
    }

    @Test
    void simulateRejectsZeroSeeds() {
        Run r = run("simulate", "--seeds", "0");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--seeds must be at least 1"), r.err());
    }

    @Test
    void simulateTraceShowsTheEventsOfOneSeed() {
        Run r = run("simulate", "--seeds", "1", "--seed", "7", "--watchers", "3", "--trace");
        assertEquals(0, r.exit());
        assertTrue(r.out().contains("seed 7 (3 watchers): ok"), r.out());
        assertTrue(r.out().contains("IpChanged node=n1"), r.out());
    }

    @Test
    void generatesABashCompletionScriptNamingEveryCommand() {
        Run r = run("generate-completion");
        assertEquals(0, r.exit(), r.err());
        for (String c : new String[] {"watcher", "agent", "status", "failover", "events", "ckquorum", "check-config"}) {
            assertTrue(r.out().contains(c), c + " missing from the completion script");
        }
    }

    @Test
    void operatorCommandsNeedAClusterFile() {
        Run r = run("status");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("Missing required option: '--config=FILE'"), r.err());
    }

    @Test
    void aBrokenClusterFileIsReportedWithExitOne() throws Exception {
        var f = java.nio.file.Files.createTempFile("cluster", ".yaml");
        java.nio.file.Files.writeString(f, "watchers: []\n");
        Run r = run("status", "--config", f.toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains(f.toString()), r.err());
    }

    @Test
    void initClusterWritesAFileTheDaemonsAccept() throws Exception {
        var f = java.nio.file.Files.createTempFile("cluster", ".yaml");
        Run r = run("init-cluster", "--watcher", "w1=10.1.0.11:7400", "--watcher", "w2=10.1.0.12:7400",
                "--watcher", "w3=10.1.0.13:7400", "--node", "n1=10.1.0.11:7500", "--node", "n2=10.1.0.12:7500",
                "--floating-ip", "10.1.0.100/24", "--interface", "eth1", "--set", "probe-interval=500ms",
                "--set", "down-after=3s", "--hook", "notify=/usr/lib/vigil/notify-log.sh,--tag,x", "--out", f.toString());
        assertEquals(0, r.exit(), r.err());
        var cluster = dev.vigil.config.ClusterFileLoader.parse(java.nio.file.Files.readString(f), f, java.util.Set.of());
        var group = cluster.groups().get(0);
        assertEquals("n1", group.protocol().initialPrimary().value());
        assertEquals(3_000, group.protocol().timings().downAfterMs());
        assertEquals(3, cluster.watchers().size());
        assertTrue(java.nio.file.Files.readString(f).contains("notify: [\"/usr/lib/vigil/notify-log.sh\", \"--tag\", \"x\"]"));
    }

    @Test
    void initClusterNamesTheBadKeyAndExitsOne() {
        Run r = run("init-cluster", "--watcher", "w1=10.1.0.11:7400", "--node", "n1=10.1.0.11:7500",
                "--node", "n2=10.1.0.12:7500", "--floating-ip", "10.1.0.100/24", "--interface", "eth1",
                "--set", "down-afte=3s");
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("down-afte"), r.err());
    }

    @Test
    void initClusterRejectsAMemberWithoutAnAddress() {
        Run r = run("init-cluster", "--watcher", "w1", "--node", "n1=10.1.0.11:7500", "--node", "n2=10.1.0.12:7500",
                "--floating-ip", "10.1.0.100/24", "--interface", "eth1");
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("expected ID=HOST:PORT, got 'w1'"), r.err());
    }
}
