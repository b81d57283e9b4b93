package dev.vigil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.transport.grpc.AdminClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
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

    private static AdminClient.GroupView view(String watcher, String fingerprint, AdminClient.ConfigPeerView... peers) {
        return new AdminClient.GroupView(watcher, "web", "n1", List.of("n2"), 3, 2, false, false, "w1", 0, 12_300, -1,
                Map.of("n1", 200L, "n2", 300L), false, fingerprint, List.of(peers), "");
    }

    @Test
    void statusShowsEachWatchersFingerprintAndWhoRunsAnotherFile() {
        var w3 = new AdminClient.ConfigPeerView("watcher", "w3", "9f8e7d6c5b4a", 12);
        var n1 = new AdminClient.ConfigPeerView("agent", "n1", "9f8e7d6c5b4a", 40);
        var views = List.of(view("w1", "a1b2c3d4e5f6", w3, n1), view("w2", "a1b2c3d4e5f6"), view("w3", "9f8e7d6c5b4a"));
        var out = new StringWriter();

        StatusCommand.table(new PrintWriter(out, true), "web", views, "a1b2c3d4e5f6");

        String text = out.toString();
        assertTrue(text.contains("config DIFFERS: w3 run 9f8e7d6c5b4a; w1, w2 run a1b2c3d4e5f6; this host's file a1b2c3d4e5f6"),
                text);
        assertTrue(text.contains("w1: config a1b2c3d4e5f6; peer w3 runs 9f8e7d6c5b4a (12 messages refused); "
                + "agent n1 runs 9f8e7d6c5b4a (40 replies)"), text);
        assertTrue(text.lines().anyMatch(l -> l.matches("\\s+w3\\s+n1\\s+3\\s+2\\s+no\\s+no\\s+no\\s+9f8e7d6c5b4a\\s+w1.*")), text);
    }

    @Test
    void statusSaysSoWhenEveryWatcherRunsThisHostsFile() {
        var out = new StringWriter();

        StatusCommand.table(new PrintWriter(out, true), "web", List.of(view("w1", "a1b2c3d4e5f6"),
                view("w2", "a1b2c3d4e5f6")), "a1b2c3d4e5f6");

        assertTrue(out.toString().contains("config a1b2c3d4e5f6: every watcher that answered runs this host's file"),
                out.toString());
    }

    @Test
    void statusJsonCarriesTheFingerprintAndTheMismatchedPeers() {
        var w3 = new AdminClient.ConfigPeerView("watcher", "w3", "9f8e7d6c5b4a", 12);

        String json = Json.status(Map.of("web", List.of(view("w1", "a1b2c3d4e5f6", w3))), Map.of(), Map.of());

        assertTrue(json.contains("\"config_fingerprint\":\"a1b2c3d4e5f6\",\"config_peers\":[{\"kind\":\"watcher\","
                + "\"id\":\"w3\",\"config_fingerprint\":\"9f8e7d6c5b4a\",\"mismatched\":12}]"), json);
    }
}
