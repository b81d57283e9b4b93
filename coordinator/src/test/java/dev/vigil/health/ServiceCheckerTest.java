package dev.vigil.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.config.ClusterFile;
import dev.vigil.config.ClusterFileLoader;
import dev.vigil.core.GroupId;
import dev.vigil.core.NodeId;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The checker with scripted checks on short real intervals. What is asserted never depends on
 * timing: the fake results carry their sequence number, and the tests wait, bounded, for a
 * number of runs.
 */
class ServiceCheckerTest {
    private static final GroupId WEB = new GroupId("web");
    private static final GroupId DB = new GroupId("db");
    private static final String CORE_THREAD = "test-core";

    private final ExecutorService core = Executors.newSingleThreadExecutor(r -> new Thread(r, CORE_THREAD));
    private final List<String> reports = Collections.synchronizedList(new ArrayList<>());
    private final Set<String> sinkThreads = ConcurrentHashMap.newKeySet();
    private final List<ServiceChecker> checkers = new ArrayList<>();

    @AfterEach
    void tearDown() {
        checkers.forEach(ServiceChecker::close);
        core.shutdownNow();
    }

    private void report(GroupId group, boolean ok, String reason) {
        sinkThreads.add(Thread.currentThread().getName());
        reports.add(group + (ok ? " ok " : " down ") + reason);
    }

    /** Results from a script ('+' ok, '-' failed, 'x' throws) reasoned "rN", then ok forever. */
    static final class Scripted implements ServiceCheck {
        final String script;
        final AtomicInteger runs = new AtomicInteger();
        final Set<String> threads = ConcurrentHashMap.newKeySet();
        final AtomicBoolean closed = new AtomicBoolean();
        volatile long timeoutSeen;

        Scripted(String script) {
            this.script = script;
        }

        @Override
        public CheckResult check(long timeoutMs) {
            timeoutSeen = timeoutMs;
            threads.add(Thread.currentThread().getName());
            int n = runs.incrementAndGet();
            char c = n <= script.length() ? script.charAt(n - 1) : '+';
            if (c == 'x') {
                throw new IllegalStateException("boom r" + n);
            }
            return new CheckResult(c == '+', n <= script.length() ? "r" + n : "steady");
        }

        @Override
        public void close() {
            closed.set(true);
        }

        @Override
        public String toString() {
            return "scripted";
        }
    }

    private ServiceChecker start(ServiceChecker.Checked... checks) {
        var c = new ServiceChecker(List.of(checks), core, this::report, "n1");
        checkers.add(c);
        c.start();
        return c;
    }

    private static ServiceChecker.Checked every5ms(GroupId group, ServiceCheck check) {
        return new ServiceChecker.Checked(group, check, 5, 2, 3);
    }

    @Test
    void reportsDownAfterTwoFailuresInARowAndOkAfterOneSuccess() {
        var check = new Scripted("+-+--+-");
        start(every5ms(WEB, check));

        assertTrue(ExecCheckTest.eventually(() -> check.runs.get() > 10), "the check ran");
        settle();

        assertEquals(List.of("web ok r1", "web down r5", "web ok r6"), List.copyOf(reports));
    }

    @Test
    void aCheckThatThrowsCountsAsFailed() {
        var check = new Scripted("+xx");
        start(every5ms(WEB, check));

        assertTrue(ExecCheckTest.eventually(() -> check.runs.get() > 5), "the check ran");
        settle();

        assertEquals(List.of("web ok r1", "web down scripted: check failed: java.lang.IllegalStateException: boom r3",
                "web ok steady"), List.copyOf(reports));
    }

    @Test
    void checksRunOnHealthThreadsAndVerdictsOnTheCoreExecutor() {
        var web = new Scripted("--");
        var db = new Scripted("+");
        start(every5ms(WEB, web), new ServiceChecker.Checked(DB, db, 5, 5, 4));

        assertTrue(ExecCheckTest.eventually(() -> web.runs.get() > 3 && db.runs.get() > 3), "both ran");
        settle();

        assertTrue(web.threads.stream().allMatch(t -> t.startsWith("vigil-health-")), web.threads.toString());
        assertTrue(db.threads.stream().allMatch(t -> t.startsWith("vigil-health-")), db.threads.toString());
        assertEquals(Set.of(CORE_THREAD), sinkThreads);
        assertEquals(3, web.timeoutSeen);
        assertEquals(4, db.timeoutSeen);
        assertTrue(reports.containsAll(List.of("web down r2", "web ok steady", "db ok r1")), reports.toString());
    }

    @Test
    void closeStopsTheChecksAndReleasesThem() {
        var check = new Scripted("");
        var checker = start(every5ms(WEB, check));
        assertTrue(ExecCheckTest.eventually(() -> check.runs.get() > 2), "the check ran");

        checker.close();
        int runs = check.runs.get();
        settle();

        assertTrue(check.closed.get());
        assertEquals(runs, check.runs.get(), "no run after close");
    }

    @Test
    void aCheckerWithoutChecksStartsAndClosesQuietly() {
        var checker = start();

        checker.close();

        assertEquals(List.of(), checker.groups());
        assertEquals(List.of(), List.copyOf(reports));
    }

    @Test
    void checksOnlyTheNodesGroupsWhoseProbeIsNotTheAgent() throws Exception {
        ClusterFile file = ClusterFileLoader.parse("""
                state-dir: /tmp/vigil-test
                watchers:
                  - {id: w1, address: 127.0.0.1:7401}
                  - {id: w2, address: 127.0.0.1:7402}
                  - {id: w3, address: 127.0.0.1:7403}
                groups:
                  - id: web
                    floating-ip: 10.0.0.100/24
                    interface: eth0
                    initial-primary: n1
                    nodes: [{id: n1, agent: 127.0.0.1:7501}, {id: n2, agent: 127.0.0.1:7502}]
                  - id: db
                    floating-ip: 10.0.0.101/24
                    interface: eth0
                    initial-primary: n1
                    probe-interval: 500ms
                    down-after: 3s
                    probe: {kind: tcp, port: 5432}
                    nodes: [{id: n1, agent: 127.0.0.1:7501}, {id: n2, agent: 127.0.0.1:7502}]
                  - id: api
                    floating-ip: 10.0.0.102/24
                    interface: eth0
                    initial-primary: n3
                    probe: {kind: http, port: 8080, path: /health}
                    nodes: [{id: n3, agent: 127.0.0.1:7503}, {id: n2, agent: 127.0.0.1:7502}]
                """, Path.of("inline.yaml"));

        var n1 = ServiceChecker.forNode(file, new NodeId("n1"), core, this::report);
        var n2 = ServiceChecker.forNode(file, new NodeId("n2"), core, this::report);
        checkers.add(n1);
        checkers.add(n2);

        assertEquals(List.of(DB), n1.groups());
        assertEquals(List.of(DB, new GroupId("api")), n2.groups());
    }

    /** Lets verdicts already handed to the core run, by queueing behind them. */
    private void settle() {
        try {
            core.submit(() -> { }).get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
