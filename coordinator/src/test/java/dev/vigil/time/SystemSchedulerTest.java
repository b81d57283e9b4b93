package dev.vigil.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SystemSchedulerTest {
    private final SystemScheduler s = new SystemScheduler();

    @AfterEach
    void close() {
        s.close();
    }

    private void await(CountDownLatch latch) throws InterruptedException {
        assertTrue(latch.await(5, TimeUnit.SECONDS), "timed out");
    }

    @Test
    void timersRunInDeadlineOrderThenSubmissionOrder() throws Exception {
        List<String> ran = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(5);
        s.execute(() -> {
            // Scheduled from the core thread in one go, so "now" is the same for all of them.
            s.schedule(60, () -> { ran.add("c"); done.countDown(); });
            s.schedule(20, () -> { ran.add("a1"); done.countDown(); });
            s.schedule(20, () -> { ran.add("a2"); done.countDown(); });
            s.schedule(40, () -> { ran.add("b"); done.countDown(); });
            s.schedule(-5, () -> { ran.add("now"); done.countDown(); });
        });

        await(done);

        assertEquals(List.of("now", "a1", "a2", "b", "c"), ran);
    }

    @Test
    void timersWaitTheirDelayOnTheMonotonicClock() throws Exception {
        long start = s.nowMillis();
        CompletableFuture<Long> at = new CompletableFuture<>();

        s.schedule(100, () -> at.complete(s.nowMillis()));

        long elapsed = at.get(5, TimeUnit.SECONDS) - start;
        assertTrue(elapsed >= 100 && elapsed < 2_000, "ran after " + elapsed + " ms");
        assertTrue(s.nowMillis() >= at.get(), "monotonic");
    }

    @Test
    void aTimerHeldUpByABusyCoreThreadIsRecordedAsLate() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        s.execute(() -> {
            s.schedule(0, done::countDown);
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(80);
            while (System.nanoTime() < until) {
                Thread.onSpinWait(); // the core thread is busy; the timer is due and waits
            }
        });

        await(done);

        TimerLag.Snapshot lag = s.timerLag().snapshot();
        assertEquals(1, lag.total());
        assertTrue(lag.maxUs() >= 80_000, "max " + lag.maxUs() + " us");
        assertTrue(lag.percentileAtMostUs(99) >= 100_000, "in the bucket up to 100 ms or above");
    }

    @Test
    void aTaskSubmittedWhileTheCoreWaitsForALaterTimerRunsAtOnce() throws Exception {
        CountDownLatch waiting = new CountDownLatch(1);
        s.execute(waiting::countDown);
        s.schedule(10_000, () -> { });
        await(waiting);
        Thread.sleep(50); // the core thread now sleeps until the timer's millisecond
        long start = s.nowMillis();
        CompletableFuture<Long> ranAt = new CompletableFuture<>();

        s.execute(() -> ranAt.complete(s.nowMillis()));

        long after = ranAt.get(5, TimeUnit.SECONDS) - start;
        assertTrue(after < 1_000, "ran after " + after + " ms");
    }

    @Test
    void cancelledTimerNeverRuns() throws Exception {
        List<String> ran = new CopyOnWriteArrayList<>();
        Scheduler.Timer t = s.schedule(50, () -> ran.add("cancelled"));
        CountDownLatch later = new CountDownLatch(1);
        s.schedule(150, later::countDown);

        t.cancel();
        await(later);

        assertEquals(List.of(), ran);
        t.cancel(); // harmless a second time, and after its deadline
    }

    @Test
    void cancellingATimerThatRanIsHarmless() throws Exception {
        CountDownLatch ran = new CountDownLatch(1);
        Scheduler.Timer t = s.schedule(0, ran::countDown);
        await(ran);

        t.cancel();
    }

    @Test
    void aThrowingTaskDoesNotKillTheCoreThread() throws Exception {
        CompletableFuture<Thread> first = new CompletableFuture<>();
        s.execute(() -> first.complete(Thread.currentThread()));
        first.get(5, TimeUnit.SECONDS);

        s.execute(() -> {
            throw new IllegalStateException("boom (expected by the test)");
        });
        s.schedule(0, () -> {
            throw new AssertionError("boom from a timer (expected by the test)");
        });
        s.execute(() -> {
            throw new StackOverflowError("boom, a VirtualMachineError (expected by the test)");
        });
        s.execute(() -> {
            throw new IllegalStateException("boom (expected by the test)") {
                @Override
                public String toString() {
                    throw new UnsupportedOperationException("and no way to describe it");
                }
            };
        });
        s.execute(() -> Thread.currentThread().interrupt());
        CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
        s.execute(() -> interrupted.complete(Thread.currentThread().isInterrupted()));
        s.schedule(Long.MAX_VALUE, () -> { });
        CompletableFuture<Thread> after = new CompletableFuture<>();
        s.schedule(10, () -> after.complete(Thread.currentThread()));

        assertEquals(first.get(), after.get(5, TimeUnit.SECONDS), "the same thread carries on");
        assertFalse(interrupted.get(), "a task's interrupt is cleared before the next task");
    }

    @Test
    void executeRunsOnTheCoreThread() throws Exception {
        CompletableFuture<String> name = new CompletableFuture<>();
        CompletableFuture<Boolean> core = new CompletableFuture<>();
        CompletableFuture<Boolean> daemon = new CompletableFuture<>();

        s.execute(() -> {
            name.complete(Thread.currentThread().getName());
            core.complete(s.isCoreThread());
            daemon.complete(Thread.currentThread().isDaemon());
        });

        assertEquals("vigil-core", name.get(5, TimeUnit.SECONDS));
        assertTrue(core.get());
        assertTrue(daemon.get());
        assertFalse(s.isCoreThread(), "the test thread is not the core thread");
    }

    @Test
    void executeKeepsSubmissionOrder() throws Exception {
        List<Integer> ran = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(100);
        for (int i = 0; i < 100; i++) {
            int n = i;
            s.execute(() -> {
                ran.add(n);
                done.countDown();
            });
        }

        await(done);

        assertEquals(java.util.stream.IntStream.range(0, 100).boxed().toList(), ran);
    }

    @Test
    void closeFromTheCoreThreadLetsTheTasksAlreadyDueFinish() throws Exception {
        CountDownLatch ran = new CountDownLatch(1);
        CompletableFuture<Thread> core = new CompletableFuture<>();
        s.execute(() -> {
            core.complete(Thread.currentThread());
            s.execute(ran::countDown);
            s.close(); // must not wait for itself
        });

        await(ran);
        core.get().join(5_000);

        assertFalse(core.get().isAlive());
    }

    @Test
    void closeStopsTheThreadAndDropsLaterTasks() throws Exception {
        List<String> ran = new CopyOnWriteArrayList<>();
        CompletableFuture<Thread> core = new CompletableFuture<>();
        s.execute(() -> core.complete(Thread.currentThread()));
        s.schedule(200, () -> ran.add("pending timer"));
        Thread t = core.get(5, TimeUnit.SECONDS);

        s.close();
        s.execute(() -> ran.add("after close"));
        Scheduler.Timer late = s.schedule(0, () -> ran.add("timer after close"));
        late.cancel();
        t.join(5_000);

        assertFalse(t.isAlive());
        Thread.sleep(300);
        assertEquals(List.of(), ran);
    }
}
