package dev.vigil.hooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.vigil.core.GroupId;
import dev.vigil.core.NodeId;
import dev.vigil.failover.HookCall;
import dev.vigil.failover.HookKind;
import dev.vigil.failover.HookResult;
import dev.vigil.failover.HookResult.Outcome;
import dev.vigil.hooks.ProcessHookRunner.GroupHooks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;

/** Runs real processes: small bash scripts written to a temp dir. Linux (or any POSIX with bash). */
class ProcessHookRunnerTest {
    private static final GroupId WEB = new GroupId("web");
    private static final NodeId N1 = new NodeId("n1");
    private static final NodeId N2 = new NodeId("n2");
    private static final String CALLBACK_THREAD = "test-callbacks";

    @TempDir
    Path dir;

    private final ExecutorService callbacks = Executors.newSingleThreadExecutor(r -> new Thread(r, CALLBACK_THREAD));
    private final List<ProcessHookRunner> runners = new ArrayList<>();

    @AfterEach
    void tearDown() {
        runners.forEach(ProcessHookRunner::close);
        callbacks.shutdownNow();
    }

    /** What {@code done} received, and on which thread. */
    record Done(HookResult result, String thread, int calls) {
    }

    private Path script(String name, String body) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/bash\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        return p;
    }

    private static GroupHooks hooks(HookKind kind, long timeoutMs, String... argv) {
        Map<HookKind, List<String>> m = new EnumMap<>(HookKind.class);
        m.put(kind, List.of(argv));
        return new GroupHooks(m, timeoutMs, "10.0.0.100", 24, "eth0");
    }

    private ProcessHookRunner runner(GroupHooks g, String self) {
        var r = new ProcessHookRunner(Map.of(WEB, g), callbacks, self, "agent");
        runners.add(r);
        return r;
    }

    private ProcessHookRunner runner(GroupHooks g) {
        return runner(g, "n1");
    }

    private static HookCall call(HookKind kind) {
        return new HookCall(kind, WEB, 7, N1, N2);
    }

    private static Done run(ProcessHookRunner r, HookCall call) throws Exception {
        CompletableFuture<Done> f = new CompletableFuture<>();
        AtomicInteger calls = new AtomicInteger();
        r.run(call, res -> {
            calls.incrementAndGet();
            f.complete(new Done(res, Thread.currentThread().getName(), 0));
        });
        Done d = f.get(20, TimeUnit.SECONDS);
        Thread.sleep(50); // a second call, were there one, would arrive by now
        return new Done(d.result(), d.thread(), calls.get());
    }

    @Test
    void hooksBeyondTheConcurrencyBoundWaitTheirTurnAndAllRun() throws Exception {
        // Each hook records how many run at once, by a file per running hook.
        Path running = Files.createDirectory(dir.resolve("running"));
        Path s = script("count.sh", "touch \"$1/$$\"; ls \"$1\" | wc -l >> \"$1.max\"; sleep 0.05; rm \"$1/$$\"");
        ProcessHookRunner r = runner(hooks(HookKind.RELEASE, 10_000, s.toString(), running.toString()));
        int n = r.concurrency() * 3;
        List<CompletableFuture<HookResult>> results = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            CompletableFuture<HookResult> f = new CompletableFuture<>();
            r.run(call(HookKind.RELEASE), f::complete);
            results.add(f);
        }
        for (CompletableFuture<HookResult> f : results) {
            assertEquals(Outcome.OK, f.get(60, TimeUnit.SECONDS).outcome());
        }
        int most = Files.readAllLines(dir.resolve("running.max")).stream().mapToInt(l -> Integer.parseInt(l.trim()))
                .max().orElseThrow();
        assertTrue(most <= r.concurrency(), most + " hooks ran at once, the bound is " + r.concurrency());
        assertEquals(ProcessHookRunner.concurrency(Runtime.getRuntime().availableProcessors()), r.concurrency());
    }

    @Test
    void waitingHooksRunLettingGoFirstThenTakingOverThenNotify() throws Exception {
        // One worker, held by a first hook until "go" exists; the rest queue up meanwhile.
        Path order = dir.resolve("order");
        Path go = dir.resolve("go");
        Path s = script("ordered.sh", "while [ ! -e \"$2\" ]; do sleep 0.01; done; echo \"$VIGIL_EVENT\" >> \"$1\"");
        Map<HookKind, List<String>> argv = new EnumMap<>(HookKind.class);
        for (HookKind k : HookKind.values()) {
            argv.put(k, List.of(s.toString(), order.toString(), go.toString()));
        }
        var r = new ProcessHookRunner(Map.of(WEB, new GroupHooks(argv, 10_000, "10.0.0.100", 24, "eth0")), callbacks,
                "n1", "agent", 1);
        runners.add(r);
        List<CompletableFuture<HookResult>> results = new ArrayList<>();
        for (HookKind k : List.of(HookKind.NOTIFY, HookKind.NOTIFY, HookKind.ACQUIRE, HookKind.PROMOTE,
                HookKind.RELEASE, HookKind.FENCE, HookKind.DEMOTE)) {
            CompletableFuture<HookResult> f = new CompletableFuture<>();
            r.run(call(k), f::complete);
            results.add(f);
            Thread.sleep(k == HookKind.NOTIFY && results.size() == 1 ? 300 : 0); // the first one has the worker
        }
        Files.createFile(go);
        for (CompletableFuture<HookResult> f : results) {
            assertEquals(Outcome.OK, f.get(30, TimeUnit.SECONDS).outcome());
        }
        assertEquals(List.of("notify", "release", "fence", "demote", "acquire", "promote", "notify"),
                Files.readAllLines(order), "the first ran at once; then by urgency, in arrival order within one");
    }

    @ParameterizedTest
    @CsvSource({"1, 4", "2, 4", "3, 6", "8, 16", "64, 16"})
    void atMostTwiceTheCpusRunAtOnceButAlwaysFourAndNeverMoreThanSixteen(int cpus, int expected) {
        assertEquals(expected, ProcessHookRunner.concurrency(cpus));
    }

    @Test
    void hooksStillWaitingWhenTheRunnerClosesReportRetryable() throws Exception {
        Path s = script("block.sh", "sleep 30");
        ProcessHookRunner r = runner(hooks(HookKind.RELEASE, 60_000, s.toString()));
        for (int i = 0; i < r.concurrency(); i++) {
            r.run(call(HookKind.RELEASE), res -> { });
        }
        CompletableFuture<HookResult> waiting = new CompletableFuture<>();
        r.run(call(HookKind.RELEASE), waiting::complete);

        r.close();

        HookResult res = waiting.get(20, TimeUnit.SECONDS);
        assertEquals(Outcome.RETRYABLE, res.outcome());
        assertTrue(res.output().contains("runner closed while it waited"), res.output());
    }

    @ParameterizedTest
    @CsvSource({"0, OK", "1, RETRYABLE", "2, PERMANENT", "3, PERMANENT"})
    void exitCodesMapToOutcomes(int code, Outcome outcome) throws Exception {
        Path s = script("exit.sh", "echo \"out $1\"; echo \"err $1\" >&2; exit \"$1\"");

        Done d = run(runner(hooks(HookKind.ACQUIRE, 5_000, s.toString(), Integer.toString(code))),
                call(HookKind.ACQUIRE));

        assertEquals(outcome, d.result().outcome());
        assertEquals(code, d.result().exitCode());
        assertEquals("out " + code + "\nerr " + code + "\n", d.result().output(), "stdout and stderr, merged");
        assertEquals(CALLBACK_THREAD, d.thread());
        assertEquals(1, d.calls());
    }

    @Test
    void environmentIsExactlyTheFixedOne() throws Exception {
        // env itself as the hook: it prints exactly what it was given, with nothing a shell adds.
        Done d = run(runner(hooks(HookKind.PROMOTE, 5_000, "/usr/bin/env")), call(HookKind.PROMOTE));

        assertEquals(Outcome.OK, d.result().outcome(), d.result().output());
        Map<String, String> env = new TreeMap<>();
        for (String line : d.result().output().split("\n")) {
            int eq = line.indexOf('=');
            env.put(line.substring(0, eq), line.substring(eq + 1));
        }
        Map<String, String> want = new TreeMap<>(Map.ofEntries(
                Map.entry("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
                Map.entry("LANG", "C"),
                Map.entry("VIGIL_GROUP", "web"),
                Map.entry("VIGIL_TERM", "7"),
                Map.entry("VIGIL_ROLE", "agent"),
                Map.entry("VIGIL_EVENT", "promote"),
                Map.entry("VIGIL_NODE", "n1"),
                Map.entry("VIGIL_FLOATING_IP", "10.0.0.100"),
                Map.entry("VIGIL_PREFIX", "24"),
                Map.entry("VIGIL_INTERFACE", "eth0"),
                Map.entry("VIGIL_OLD_PRIMARY", "n1"),
                Map.entry("VIGIL_NEW_PRIMARY", "n2")));
        assertEquals(want, env);
        assertFalse(env.containsKey("HOME"), "HOME is not inherited");
    }

    @Test
    void absentPrimariesAreEmptyAndTheLeaderRoleShows() throws Exception {
        Path s = script("env.sh", "printf '%s|%s|%s|%s\\n' \"$VIGIL_ROLE\" \"$VIGIL_EVENT\" \"${VIGIL_OLD_PRIMARY-unset}\""
                + " \"${VIGIL_NEW_PRIMARY-unset}\"");
        var r = new ProcessHookRunner(Map.of(WEB, hooks(HookKind.FENCE, 5_000, s.toString())), callbacks, "w1",
                "leader");
        runners.add(r);

        Done d = run(r, new HookCall(HookKind.FENCE, WEB, 3, null, null));

        assertEquals("leader|fence||\n", d.result().output());
    }

    @Test
    void argvIsPassedVerbatimWithoutAShell() throws Exception {
        Path marker = dir.resolve("expanded");
        Path s = script("argv.sh", "for a in \"$@\"; do printf '<%s>\\n' \"$a\"; done");
        String[] args = {"two words", "$(touch " + marker + ")", "`touch " + marker + "`", "*", "; rm -rf /tmp/x",
                "'quoted'", "$HOME", ""};
        List<String> argv = new ArrayList<>(List.of(s.toString()));
        argv.addAll(Arrays.asList(args));

        Done d = run(runner(hooks(HookKind.NOTIFY, 5_000, argv.toArray(String[]::new))), call(HookKind.NOTIFY));

        var want = new StringBuilder();
        for (String a : args) {
            want.append('<').append(a).append(">\n");
        }
        assertEquals(want.toString(), d.result().output());
        assertFalse(Files.exists(marker), "no command substitution happened");
    }

    @Test
    void stdinIsClosed() throws Exception {
        Path s = script("cat.sh", "cat; echo \"read:$?\"");

        Done d = run(runner(hooks(HookKind.ACQUIRE, 5_000, s.toString())), call(HookKind.ACQUIRE));

        assertEquals(Outcome.OK, d.result().outcome(), "cat saw EOF at once instead of waiting for input");
        assertEquals("read:0\n", d.result().output());
    }

    @Test
    void chattyHookKeepsOnlyTheLastOutput() throws Exception {
        Path s = script("chatty.sh", "head -c 1000000 /dev/zero | tr '\\0' x; echo; echo the-end");

        Done d = run(runner(hooks(HookKind.ACQUIRE, 10_000, s.toString())), call(HookKind.ACQUIRE));

        assertEquals(Outcome.OK, d.result().outcome());
        String out = d.result().output();
        assertTrue(out.endsWith("xxxx\nthe-end\n"), out.substring(Math.max(0, out.length() - 50)));
        assertTrue(out.startsWith("[" + (1_000_000 + 9 - ProcessHookRunner.OUTPUT_LIMIT) + " earlier bytes dropped]\n"),
                out.substring(0, 60));
        assertTrue(out.length() < ProcessHookRunner.OUTPUT_LIMIT + 100, "kept " + out.length());
    }

    @Test
    void hangingHookAndItsChildAreKilledAfterTheTimeout() throws Exception {
        Path pidFile = dir.resolve("child.pid");
        Path s = script("hang.sh", "sleep 30 & echo $! > \"$1\"; echo started; sleep 30; echo never");
        long start = System.nanoTime();

        Done d = run(runner(hooks(HookKind.ACQUIRE, 300, s.toString(), pidFile.toString())), call(HookKind.ACQUIRE));

        long took = (System.nanoTime() - start) / 1_000_000;
        assertEquals(Outcome.TIMEOUT, d.result().outcome());
        assertEquals(-1, d.result().exitCode());
        assertEquals("started\n\n[killed after 300 ms]", d.result().output());
        assertTrue(took >= 300 && took < 5_000, "took " + took + " ms");
        long child = Long.parseLong(Files.readString(pidFile).trim());
        assertTrue(dead(child, 2_000), "the background child " + child + " was killed too");
        assertEquals(CALLBACK_THREAD, d.thread());
    }

    @Test
    void hookIgnoringSigtermIsKilledAfterTheGrace() throws Exception {
        Path s = script("stubborn.sh", "trap 'echo got-term' TERM; echo started; for i in $(seq 100); do sleep 0.1; done");
        long start = System.nanoTime();

        Done d = run(runner(hooks(HookKind.ACQUIRE, 200, s.toString())), call(HookKind.ACQUIRE));

        long took = (System.nanoTime() - start) / 1_000_000;
        assertEquals(Outcome.TIMEOUT, d.result().outcome());
        assertTrue(d.result().output().startsWith("started\n"), d.result().output());
        assertTrue(d.result().output().contains("got-term"), d.result().output());
        assertTrue(took >= 200 + ProcessHookRunner.TERM_GRACE_MS && took < 8_000, "took " + took + " ms");
    }

    @Test
    void exitIsNotDelayedByADescendantHoldingTheOutput() throws Exception {
        Path pidFile = dir.resolve("bg.pid");
        Path s = script("daemonize.sh", "sleep 20 & echo $! > \"$1\"; echo done");
        long start = System.nanoTime();

        Done d = run(runner(hooks(HookKind.ACQUIRE, 10_000, s.toString(), pidFile.toString())), call(HookKind.ACQUIRE));

        long took = (System.nanoTime() - start) / 1_000_000;
        ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).ifPresent(ProcessHandle::destroyForcibly);
        assertEquals(Outcome.OK, d.result().outcome());
        assertEquals("done\n", d.result().output());
        assertTrue(took < 3_000, "took " + took + " ms");
    }

    @Test
    void unknownExecutableIsPermanent() throws Exception {
        Path missing = dir.resolve("no-such-hook");

        Done d = run(runner(hooks(HookKind.ACQUIRE, 5_000, missing.toString())), call(HookKind.ACQUIRE));

        assertEquals(Outcome.PERMANENT, d.result().outcome());
        assertTrue(d.result().output().contains(missing.toString()), d.result().output());
        assertEquals(CALLBACK_THREAD, d.thread());
        assertEquals(1, d.calls());
    }

    @Test
    void nonExecutableFileIsPermanent() throws Exception {
        Path s = dir.resolve("plain.sh");
        Files.writeString(s, "#!/bin/bash\nexit 0\n");
        Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rw-------"));

        Done d = run(runner(hooks(HookKind.ACQUIRE, 5_000, s.toString())), call(HookKind.ACQUIRE));

        assertEquals(Outcome.PERMANENT, d.result().outcome());
        assertTrue(d.result().output().contains("ermission denied"), d.result().output());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "n1;touch x | 10.0.0.100           | 24  | eth0    | VIGIL_NODE",
        "-n1        | 10.0.0.100           | 24  | eth0    | VIGIL_NODE",
        "n1         | 10.0.0.100$(reboot)  | 24  | eth0    | VIGIL_FLOATING_IP",
        "n1         | 10.0.0.256           | 24  | eth0    | VIGIL_FLOATING_IP",
        "n1         | 10.0.0.100           | 33  | eth0    | VIGIL_PREFIX",
        "n1         | fd00::100            | 129 | eth0    | VIGIL_PREFIX",
        "n1         | 10.0.0.100           | 24  | eth0 up | VIGIL_INTERFACE",
        "n1         | 10.0.0.100           | 24  | -eth0   | VIGIL_INTERFACE",
        "n1         | 10.0.0.100           | 24  | averyveryverylongname | VIGIL_INTERFACE",
    })
    void invalidValueIsPermanentAndNothingRuns(String self, String ip, int prefix, String iface, String name)
            throws Exception {
        Path marker = dir.resolve("ran");
        Path s = script("touch.sh", "touch \"$1\"");
        var g = new GroupHooks(Map.of(HookKind.ACQUIRE, List.of(s.toString(), marker.toString())), 5_000, ip, prefix,
                iface);

        Done d = run(runner(g, self), call(HookKind.ACQUIRE));

        assertEquals(Outcome.PERMANENT, d.result().outcome());
        assertTrue(d.result().output().contains(name), d.result().output());
        assertFalse(Files.exists(marker), "the hook must not run");
        assertEquals(CALLBACK_THREAD, d.thread());
    }

    @Test
    void validIpv6AndAliasInterfacePass() throws Exception {
        Path s = script("ok.sh", "echo \"$VIGIL_FLOATING_IP/$VIGIL_PREFIX $VIGIL_INTERFACE\"");
        var g = new GroupHooks(Map.of(HookKind.ACQUIRE, List.of(s.toString())), 5_000, "fd00::a:100", 64, "eth0:1");

        Done d = run(runner(g), call(HookKind.ACQUIRE));

        assertEquals("fd00::a:100/64 eth0:1\n", d.result().output());
    }

    @Test
    void missingHookIsSkippedOnTheCallbackThread() throws Exception {
        Path marker = dir.resolve("ran");
        Path s = script("touch.sh", "touch \"$1\"");
        var r = runner(hooks(HookKind.ACQUIRE, 5_000, s.toString(), marker.toString()));

        Done other = run(r, call(HookKind.RELEASE));
        Done unknownGroup = run(r, new HookCall(HookKind.ACQUIRE, new GroupId("db"), 7, N1, N2));

        assertEquals(HookResult.SKIPPED, other.result());
        assertEquals(HookResult.SKIPPED, unknownGroup.result());
        assertEquals(CALLBACK_THREAD, other.thread());
        assertEquals(1, other.calls());
        assertFalse(Files.exists(marker));
    }

    @Test
    void eachRunIsLoggedAsOneLineOfFields() throws Exception {
        Logger log = (Logger) LoggerFactory.getLogger("dev.vigil.hooks");
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        log.addAppender(appender);
        try {
            Path s = script("say.sh", "echo 'line one'; echo \"quote \\\" here\"; exit 1");

            run(runner(hooks(HookKind.ACQUIRE, 5_000, s.toString())), call(HookKind.ACQUIRE));

            List<String> lines = appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
            assertEquals(1, lines.size(), lines.toString());
            String line = lines.get(0);
            assertTrue(line.matches("hook group=web event=acquire term=7 outcome=RETRYABLE exit=1 took_ms=\\d+ "
                    + "output=\"line one\\\\nquote \\\\\" here\\\\n\""), line);
            assertFalse(line.contains("\n"));
        } finally {
            log.detachAppender(appender);
        }
    }

    @Test
    void loggedOutputIsCutTo500Characters() throws Exception {
        Logger log = (Logger) LoggerFactory.getLogger("dev.vigil.hooks");
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        log.addAppender(appender);
        try {
            Path s = script("long.sh", "head -c 3000 /dev/zero | tr '\\0' a; echo END");

            Done d = run(runner(hooks(HookKind.ACQUIRE, 5_000, s.toString())), call(HookKind.ACQUIRE));

            assertEquals(3004, d.result().output().length(), "the result keeps it all");
            String line = appender.list.get(0).getFormattedMessage();
            String out = line.substring(line.indexOf("output=\"") + 8, line.length() - 1);
            assertTrue(out.endsWith("aaaEND\\n"), out);
            assertTrue(out.length() <= ProcessHookRunner.LOG_OUTPUT_LIMIT + 2, "logged " + out.length());
        } finally {
            log.detachAppender(appender);
        }
    }

    @Test
    void badConfigurationIsRefusedAtConstruction() {
        assertThrows(IllegalArgumentException.class, () -> new ProcessHookRunner(Map.of(), callbacks, "n1", "boss"));
        assertThrows(IllegalArgumentException.class, () -> new GroupHooks(Map.of(HookKind.ACQUIRE, List.of()), 1_000,
                "10.0.0.1", 24, "eth0"));
        assertThrows(IllegalArgumentException.class, () -> new GroupHooks(Map.of(), 0, "10.0.0.1", 24, "eth0"));
    }

    /** Whether the process is gone (or a zombie nobody has reaped yet) within {@code ms}. */
    private static boolean dead(long pid, long ms) throws Exception {
        long end = System.nanoTime() + ms * 1_000_000;
        while (System.nanoTime() < end) {
            var h = ProcessHandle.of(pid);
            if (h.isEmpty() || !h.get().isAlive() || zombie(pid)) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    private static boolean zombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException e) {
            return true;
        }
    }
}
