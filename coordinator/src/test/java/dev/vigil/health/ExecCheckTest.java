package dev.vigil.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.core.GroupId;
import dev.vigil.core.NodeId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs real processes: small bash scripts written to a temp dir. Linux (or any POSIX with bash). */
class ExecCheckTest {
    private static final GroupId WEB = new GroupId("web");
    private static final NodeId N1 = new NodeId("n1");

    @TempDir
    Path dir;

    private Path script(String name, String body) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/bash\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        return p;
    }

    private static ExecCheck exec(Object... argv) {
        return new ExecCheck(Arrays.stream(argv).map(Object::toString).toList(), WEB, N1);
    }

    @Test
    void okOnExitZero() throws IOException {
        Path s = script("ok.sh", "exit 0");

        CheckResult r = exec(s).check(5_000);

        assertTrue(r.ok(), r.reason());
        assertEquals("exec " + s + ": exit 0", r.reason());
    }

    @Test
    void failsOnExitOneWithItsOutputInTheReason() throws IOException {
        Path s = script("fail.sh", "echo 'replica lag 42 s'; echo 'too far behind' >&2; exit 1");

        CheckResult r = exec(s).check(5_000);

        assertFalse(r.ok());
        assertEquals("exec " + s + ": exit 1: replica lag 42 s\\ntoo far behind", r.reason());
    }

    @Test
    void aHangingCommandIsKilledWithItsChildrenAtTheDeadline() throws IOException {
        Path pidFile = dir.resolve("child.pid");
        Path s = script("hang.sh", "sleep 60 &\necho $! > '" + pidFile + "'\necho started\nwait");

        long start = System.nanoTime();
        CheckResult r = exec(s).check(500);
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertFalse(r.ok());
        assertEquals("exec " + s + ": no answer within 500 ms, killed: started", r.reason());
        // The deadline plus the time to kill; the background sleep holds the pipe open, which must not matter.
        assertTrue(tookMs >= 500 && tookMs < 2_500, "took " + tookMs + " ms");
        long child = Long.parseLong(Files.readString(pidFile).trim());
        assertTrue(eventually(() -> ProcessHandle.of(child).map(h -> !h.isAlive()).orElse(true)),
                "the hook's child " + child + " outlived the check");
    }

    @Test
    void runsTheArgvWithoutAShell() throws IOException {
        Path s = script("args.sh", "printf '%s|' \"$@\"");

        CheckResult r = exec(s, "a b", "$HOME", ";echo hi", "*").check(5_000);

        assertTrue(r.ok(), r.reason());
        assertTrue(r.reason().endsWith(": exit 0: a b|$HOME|;echo hi|*|"), r.reason());
    }

    @Test
    void getsOnlyAFixedEnvironment() {
        CheckResult r = exec("/usr/bin/env").check(5_000);

        assertTrue(r.ok(), r.reason());
        String out = r.reason().substring(r.reason().indexOf(": exit 0: ") + ": exit 0: ".length());
        assertEquals(Set.of("PATH=" + ExecCheck.PATH, "LANG=C", "VIGIL_GROUP=web", "VIGIL_NODE=n1"),
                Set.copyOf(List.of(out.split("\\\\n"))));
    }

    @Test
    void stdinIsClosed() {
        // cat would wait forever on an open stdin.
        CheckResult r = exec("/bin/cat").check(5_000);

        assertTrue(r.ok(), r.reason());
    }

    @Test
    void keepsTheLastKibibyteOfOutput() throws IOException {
        Path s = script("chatty.sh", "head -c 100000 /dev/zero | tr '\\0' x; echo END; exit 3");

        CheckResult r = exec(s).check(5_000);

        assertFalse(r.ok());
        assertTrue(r.reason().startsWith("exec " + s + ": exit 3: …xxx"), r.reason());
        assertTrue(r.reason().endsWith("xxxEND"), r.reason());
        assertTrue(r.reason().length() < ExecCheck.OUTPUT_LIMIT + 200, "reason of " + r.reason().length() + " chars");
    }

    @Test
    void aMissingExecutableFailsTheCheck() {
        CheckResult r = exec(dir.resolve("missing")).check(5_000);

        assertFalse(r.ok());
        assertTrue(r.reason().startsWith("exec " + dir.resolve("missing") + ": cannot start: "), r.reason());
    }

    @Test
    void anInterruptKillsTheCommandAndKeepsTheFlag() throws Exception {
        Path pidFile = dir.resolve("self.pid");
        Path s = script("wait.sh", "echo $$ > '" + pidFile + "'\nexec sleep 60");
        var flagKept = new AtomicBoolean();
        var result = new CompletableFuture<CheckResult>();
        Thread t = new Thread(() -> {
            result.complete(exec(s).check(60_000));
            flagKept.set(Thread.currentThread().isInterrupted());
        });
        t.start();
        assertTrue(eventually(() -> Files.exists(pidFile) && !readQuietly(pidFile).isBlank()), "the script started");

        t.interrupt();
        CheckResult r = result.get(10, TimeUnit.SECONDS);
        t.join(10_000);

        assertFalse(r.ok());
        assertEquals("exec " + s + ": interrupted, killed", r.reason());
        assertTrue(flagKept.get(), "the interrupt flag is set again");
        long pid = Long.parseLong(readQuietly(pidFile).trim());
        assertTrue(eventually(() -> ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true)), "killed");
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }

    /** Polls {@code condition} for up to 5 s. */
    static boolean eventually(java.util.function.BooleanSupplier condition) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return condition.getAsBoolean();
    }
}
