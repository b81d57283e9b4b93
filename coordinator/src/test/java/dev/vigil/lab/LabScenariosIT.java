package dev.vigil.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.lab.LabCluster.Answer;
import dev.vigil.lab.LabCluster.Layout;
import dev.vigil.time.SystemScheduler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end in network namespaces, asserting on what a client saw: real {@code vigil}
 * processes, the real floating IP moved by {@code vip-linux.sh} with gratuitous ARP, and a
 * client connecting to it every 20 ms. Faults are real: SIGKILL and link down, SIGSTOP,
 * nftables partitions; SIGTERM of an agent is a stop. Probe 500 ms, down-after 3 s, to keep CI short. Needs root; skipped
 * elsewhere with the reason. Logs: {@code coordinator/target/lab-logs/<test>/}.
 */
class LabScenariosIT {
    private static final Path JAR = Paths.get("target", "vigil.jar").toAbsolutePath();
    private static final long DOWN_AFTER_MS = 3_000;
    private static final Duration FAILOVER = Duration.ofMillis(DOWN_AFTER_MS + 6_000);

    @TempDir
    Path dir;

    private String name;
    private LabCluster cluster;

    @BeforeEach
    void skipWithoutNamespaces(TestInfo test) {
        String why = NetnsLab.unavailableReason();
        Assumptions.assumeTrue(why == null, "lab tests skipped: " + why);
        Assumptions.assumeTrue(Files.isRegularFile(JAR), "lab tests skipped: no " + JAR + " (run mvn package)");
        name = test.getTestMethod().orElseThrow().getName();
    }

    @AfterEach
    void close() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private LabCluster start(Layout layout) throws InterruptedException {
        Path logs = Paths.get("target", "lab-logs", name);
        NetnsLab lab = NetnsLab.create("e2e", layout.hosts(), logs);
        cluster = LabCluster.start(lab, LabCluster.Options.of(layout, "500ms", DOWN_AFTER_MS + "ms"), JAR, dir);
        cluster.await("the client reaches n1 on the floating IP", Duration.ofSeconds(40),
                () -> cluster.firstAnswer("n1", 0).isPresent());
        // Six JVMs starting on two cores miss probe deadlines for a while; faults start once warm.
        Thread.sleep(DOWN_AFTER_MS);
        return cluster;
    }

    private NetnsLab lab() {
        return (NetnsLab) cluster.hosts();
    }

    /** When the client first got an answer from {@code who} after {@code after}, waiting for it. */
    private long awaitAnswer(String who, long after, Duration within) throws InterruptedException {
        cluster.await("the client gets an answer from " + who, within, () -> cluster.firstAnswer(who, after).isPresent());
        return cluster.firstAnswer(who, after).getAsLong();
    }

    /** The client never saw {@code who} after {@code after}. */
    private void assertNeverAfter(String who, long after, String why) {
        List<Answer> late = cluster.answers().stream().filter(a -> a.at() > after && a.who().equals(who)).toList();
        assertTrue(late.isEmpty(), why + ": the client got " + late.size() + " answers from " + who + ", first at "
                + (late.isEmpty() ? 0 : late.get(0).at() - after) + " ms" + cluster.tails());
    }

    private void assertHolders(List<String> expected) {
        assertEquals(expected, cluster.holders(), "hosts holding " + LabCluster.FLOATING + cluster.tails());
    }

    private long count(String type, String field, String value, long after) {
        return cluster.events().stream().filter(e -> e.at() > after && e.is(type, field, value)).count();
    }

    @Test
    void crashedPrimaryIsReplacedAndStaysStandbyWhenItReturns() throws Exception {
        start(Layout.WITNESS);
        long crash = LabCluster.now();
        cluster.crash("n1");

        long answered = awaitAnswer("n2", crash, FAILOVER);
        System.out.printf("lab: crash -> first answer from the standby: %d ms (down-after %d ms)%n", answered - crash,
                DOWN_AFTER_MS);
        assertTrue(answered - crash <= DOWN_AFTER_MS + 2_000, "the standby answered " + (answered - crash)
                + " ms after the crash" + cluster.tails());
        assertHolders(List.of("n2"));

        long back = LabCluster.now();
        cluster.startHost("n1");
        // three JVMs start on the returning host, and the watchers reach it after gRPC's reconnect
        // backoff (up to a few seconds after a short outage): allow for a busy machine
        cluster.await("the returning n1 learns the new epoch", Duration.ofSeconds(40),
                () -> cluster.first("AgentEpochAdopted", "node", "n1", back).isPresent());
        Thread.sleep(DOWN_AFTER_MS);
        assertHolders(List.of("n2"));
        assertNeverAfter("n1", answered, "no failback to the returning old primary");
        assertEquals(1, count("FailoverCompleted", "newPrimary", "n2", crash), "exactly one failover" + cluster.tails());
        assertEquals(0, count("FailoverCompleted", "newPrimary", "n1", crash), "no failback" + cluster.tails());
    }

    @Test
    void hungPrimaryIsReplacedAndStepsDownWhenItWakes() throws Exception {
        start(Layout.WITNESS);
        long hang = LabCluster.now();
        cluster.hang("n1");
        long answered = awaitAnswer("n2", hang, FAILOVER);
        System.out.printf("lab: hang -> first answer from the standby: %d ms%n", answered - hang);

        long wake = LabCluster.now();
        cluster.resume("n1");
        cluster.await("n1 lets go of the floating IP after waking", Duration.ofSeconds(10),
                () -> cluster.holders().equals(List.of("n2")));
        System.out.printf("lab: SIGCONT -> n1 released the IP within %d ms%n", LabCluster.now() - wake);
        Thread.sleep(2_000);
        assertHolders(List.of("n2"));
        assertNeverAfter("n1", LabCluster.now() - 1_500, "the woken old primary stays quiet");
    }

    @Test
    void primaryCutOffFromTheWatchersReleasesBeforeTheStandbyAcquires() throws Exception {
        start(Layout.SEPARATE);
        long cut = LabCluster.now();
        lab().partition(List.of("n1"), LabCluster.WATCHERS);

        long answered = awaitAnswer("n2", cut, FAILOVER);
        cluster.await("n2 logs that it acquired the IP", Duration.ofSeconds(5),
                () -> cluster.first("IpChanged", "node", "n2", cut).isPresent());
        long released = cluster.first("IpChanged", "node", "n1", cut).orElseThrow(() ->
                new AssertionError("n1 never released the IP" + cluster.tails())).at();
        long acquired = cluster.first("IpChanged", "node", "n2", cut).orElseThrow().at();
        long lastN1 = cluster.answers().stream().filter(a -> a.at() > cut && a.who().equals("n1"))
                .mapToLong(Answer::at).max().orElse(cut);
        System.out.printf("lab: partition -> n1 released at %d ms, n2 acquired at %d ms, client gap %d ms%n",
                released - cut, acquired - cut, answered - lastN1);
        assertTrue(released < acquired && released < answered, "n1 released (+" + (released - cut)
                + " ms) before n2 acquired (+" + (acquired - cut) + " ms) and answered (+" + (answered - cut) + " ms)"
                + cluster.tails());
        assertNeverAfter("n1", answered, "no interleaving of n1 and n2 answers");
        assertHolders(List.of("n2"));
    }

    @Test
    void isolatedWatchersNeverFailOverAHealthyPrimary() throws Exception {
        start(Layout.SEPARATE);
        long t0 = LabCluster.now();
        List<String> others = List.of("n1", "n2", "w1", "w2", "client");
        lab().partition(List.of("w3"), others);
        Thread.sleep(2 * DOWN_AFTER_MS);
        lab().heal();
        lab().partition(List.of("w1"), List.of("w2"));
        Thread.sleep(2 * DOWN_AFTER_MS);
        lab().heal();

        assertEquals(0, count("OdownChanged", "down", "true", t0), "no ODOWN of a healthy primary" + cluster.tails());
        assertEquals(0, cluster.events().stream().filter(e -> e.at() > t0 && e.type().equals("LeaderElected")).count(),
                "no election" + cluster.tails());
        assertNeverAfter("n2", t0, "the standby never answers");
        assertHolders(List.of("n1"));
    }

    /** Crashes n1 with n2's {@code hook} failing, waits for the leader's step to fail, kills the leader. */
    private String killLeaderMidFailover(String hook) throws Exception {
        cluster.failHook("n2", hook, true);
        long crash = LabCluster.now();
        cluster.crash("n1");
        cluster.await("n2's " + hook + " hook fails under a leader", FAILOVER,
                () -> cluster.first("HookFinished", "hook", hook, crash).isPresent());
        String leader = cluster.events().stream().filter(e -> e.at() > crash && e.type().equals("LeaderElected"))
                .reduce((a, b) -> b).orElseThrow().field("leader");
        cluster.crash(leader);
        cluster.failHook("n2", hook, false);
        long answered = awaitAnswer("n2", crash, Duration.ofSeconds(30));
        System.out.printf("lab: leader %s killed mid-failover (%s failing); crash -> standby answers: %d ms%n", leader,
                hook, answered - crash);
        return leader;
    }

    @Test
    void anotherWatcherFinishesTheFailoverWhenTheLeaderDiesBeforePromote() throws Exception {
        start(Layout.SEPARATE);
        String leader = killLeaderMidFailover("promote");
        cluster.await("another watcher completes the failover", Duration.ofSeconds(10),
                () -> cluster.events().stream().anyMatch(e -> e.type().equals("FailoverCompleted")));
        var done = cluster.events().stream().filter(e -> e.type().equals("FailoverCompleted")).toList();
        assertEquals(1, done.size(), "one completed failover" + cluster.tails());
        assertFalse(done.get(0).field("leader").equals(leader), "completed by another watcher than " + leader);
        assertEquals("n2", done.get(0).field("newPrimary"));
        assertHolders(List.of("n2"));
    }

    @Test
    void theStandbyFinishesByItselfWhenTheLeaderDiesAfterPromote() throws Exception {
        start(Layout.SEPARATE);
        String leader = killLeaderMidFailover("acquire");
        for (String w : LabCluster.WATCHERS) {
            if (!w.equals(leader)) {
                cluster.await(w + " adopts n2's epoch", Duration.ofSeconds(10),
                        () -> cluster.events().stream().anyMatch(e -> e.process().equals(w)
                                && e.is("EpochAdopted", "primary", "n2")));
            }
        }
        assertHolders(List.of("n2"));
    }

    @Test
    void failingAcquireHookIsRetriedAndLoggedWithItsReason() throws Exception {
        start(Layout.WITNESS);
        cluster.failHook("n2", "acquire", true);
        long crash = LabCluster.now();
        cluster.crash("n1");
        cluster.await("the acquire hook fails", FAILOVER,
                () -> cluster.first("HookFinished", "hook", "acquire", crash).isPresent());
        LabEvent failed = cluster.first("HookFinished", "hook", "acquire", crash).orElseThrow();
        assertTrue(failed.field("output").contains("injected failure of acquire on n2"), failed.toString());
        assertFalse(failed.field("outcome").equals("OK"), failed.toString());
        cluster.failHook("n2", "acquire", false);

        long answered = awaitAnswer("n2", crash, Duration.ofSeconds(20));
        System.out.printf("lab: acquire failed, then succeeded; crash -> standby answers: %d ms%n", answered - crash);
        cluster.await("the leader completes the failover", Duration.ofSeconds(10),
                () -> cluster.first("FailoverCompleted", "newPrimary", "n2", crash).isPresent());
        assertHolders(List.of("n2"));
        assertEquals(1, count("FailoverCompleted", "newPrimary", "n2", crash), "one failover" + cluster.tails());
        String status = cluster.cli("client", "status");
        for (String w : List.of("w2", "w3")) {
            assertTrue(status.lines().anyMatch(l -> l.matches("\\s+" + w + "\\s+n2\\s.*")),
                    "watcher " + w + " names n2 as primary:\n" + status);
        }
    }

    /** The client-visible gap of a switchover begun after {@code from}: last {@code old} answer to first {@code now}. */
    private long gap(String old, String now, long from) throws InterruptedException {
        long answered = awaitAnswer(now, from, Duration.ofSeconds(10));
        long last = cluster.answers().stream().filter(a -> a.at() > from && a.at() < answered && a.who().equals(old))
                .mapToLong(Answer::at).max().orElse(from);
        assertNeverAfter(old, answered, "no interleaving of " + old + " and " + now + " answers");
        return answered - last;
    }

    @Test
    void stoppedPrimaryAgentHandsOverWithinTwiceASwitchoverGap() throws Exception {
        start(Layout.WITNESS);
        long asked = LabCluster.now();
        String out = cluster.cli("client", "failover", "web", "--to", "n2");
        assertTrue(out.contains("primary is now n2"), out);
        long switchover = gap("n1", "n2", asked);
        Thread.sleep(DOWN_AFTER_MS); // n1 a settled standby again

        long stop = LabCluster.now();
        assertEquals(143, cluster.stopAgent("n2"), "the agent exits after SIGTERM" + cluster.tails());
        long stopped = gap("n2", "n1", stop);
        long standby = cluster.firstAnswer("n1", stop).getAsLong() - stop;
        System.out.printf("lab: client-visible gap: vigil failover %d ms, SIGTERM of the primary's agent %d ms "
                + "(n1 answered %d ms after SIGTERM; down-after %d ms)%n", switchover, stopped, standby, DOWN_AFTER_MS);
        // 100 ms floor: at a 20 ms poll a switchover's gap of a few tens of ms is mostly noise
        assertTrue(stopped <= 2 * Math.max(switchover, 100), "stop gap " + stopped + " ms, switchover gap "
                + switchover + " ms" + cluster.tails());
        assertTrue(standby < DOWN_AFTER_MS / 2, "n1 answered " + standby + " ms after SIGTERM" + cluster.tails());
        Thread.sleep(1_000);
        assertHolders(List.of("n1"));
        assertEquals(1, count("AgentStopped", "outcome", "handed-over", stop), "n2 handed over" + cluster.tails());
    }

    /**
     * n2 "reboots": its agent comes back on a clock that starts near zero, as a freshly booted
     * host's CLOCK_MONOTONIC does, far below every stamp the long-running watchers acked before.
     * The kernel's clock is shared by every namespace, so the restart shifts the agent's clock
     * origin instead ({@value SystemScheduler#ORIGIN_PROPERTY}). Returns what the clocks read.
     */
    private String rebootN2() throws Exception {
        long before = LabCluster.now();
        long origin = -(before - 5_000);
        cluster.restartAgent("n2", List.of("-D" + SystemScheduler.ORIGIN_PROPERTY + "=" + origin));
        long rebooted = LabCluster.now();
        Thread.sleep(DOWN_AFTER_MS); // six probe intervals: every watcher acks the new incarnation's stamps
        return "n2's agent restarted with its clock at %d s (the watchers had acked stamps near %d s)"
                .formatted((rebooted + origin) / 1000, before / 1000);
    }

    /** The Vagrant walkthrough: promoted by {@code vigil failover} after a reboot, n2 still gets a lease and the IP. */
    @Test
    void rebootedStandbyTakesTheIpWhenSwitchedTo() throws Exception {
        start(Layout.WITNESS);
        String clocks = rebootN2();
        long asked = LabCluster.now();
        String out;
        try {
            out = cluster.cli("client", "failover", "web", "--to", "n2");
        } catch (IllegalStateException e) { // before the fix: promoted, but no lease, so no acquire
            throw new AssertionError("the switchover to the rebooted n2 failed: " + e.getMessage() + cluster.tails(), e);
        }
        long switchover = gap("n1", "n2", asked);
        long acquired = cluster.first("IpChanged", "node", "n2", asked).orElseThrow(() ->
                new AssertionError("n2 answered but logged no acquire" + cluster.tails())).at();
        long promoted = cluster.first("AgentObeyed", "node", "n2", asked).orElseThrow().at();
        System.out.printf("lab: %s; vigil failover to it -> client-visible gap %d ms, n2 acquired %d ms after its "
                + "Promote%n", clocks, switchover, acquired - promoted);
        assertTrue(out.contains("primary is now n2"), out);
        assertTrue(switchover < 3_000, "gap " + switchover + " ms" + cluster.tails());
        Thread.sleep(1_000);
        assertHolders(List.of("n2"));
    }

    /** The issue's own run: n2 rebooted, then the primary's host crashes; n2 takes over within down-after and a bit. */
    @Test
    void rebootedStandbyTakesTheIpWhenThePrimaryCrashes() throws Exception {
        start(Layout.WITNESS);
        String clocks = rebootN2();
        long crash = LabCluster.now();
        cluster.crash("n1");
        long answered = awaitAnswer("n2", crash, FAILOVER);
        System.out.printf("lab: %s; n1 crashed -> first answer from n2: %d ms (down-after %d ms)%n", clocks,
                answered - crash, DOWN_AFTER_MS);
        assertTrue(answered - crash <= DOWN_AFTER_MS + 2_000, "n2 answered " + (answered - crash)
                + " ms after the crash" + cluster.tails());
        assertHolders(List.of("n2"));
    }

    @Test
    void manualFailoverGapIsMeasuredAndNeverInterleaves() throws Exception {
        start(Layout.WITNESS);
        long asked = LabCluster.now();
        String out = cluster.cli("client", "failover", "web", "--to", "n2");
        assertTrue(out.contains("primary is now n2"), out);
        long answered = awaitAnswer("n2", asked, Duration.ofSeconds(10));
        long lastN1 = cluster.answers().stream().filter(a -> a.at() > asked && a.who().equals("n1"))
                .mapToLong(Answer::at).max().orElse(asked);
        System.out.printf("lab: vigil failover -> client-visible gap %d ms (last n1 answer to first n2 answer)%n",
                answered - lastN1);
        assertTrue(answered - lastN1 < 3_000, "gap " + (answered - lastN1) + " ms" + cluster.tails());
        assertNeverAfter("n1", answered, "no interleaving after the switchover");
        assertHolders(List.of("n2"));
    }
}
