package dev.vigil.transport.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** A batch on the core thread: answered whole, or dropped once its caller has gone. */
class CallsTest {
    private final Queue<Runnable> core = new ArrayDeque<>();
    private final AtomicInteger handled = new AtomicInteger();
    private final List<Integer> items = IntStream.range(0, Calls.CHUNK * 2 + 88).boxed().toList();

    @SuppressWarnings("unchecked")
    private final ServerCallStreamObserver<List<Integer>> out = mock(ServerCallStreamObserver.class);

    private void batch() {
        Calls.batch(core::add, out, items, i -> {
            handled.incrementAndGet();
            return i;
        }, e -> -1, results -> results);
    }

    private void runCore() {
        for (Runnable r; (r = core.poll()) != null; ) {
            r.run();
        }
    }

    @Test
    void aBatchWhoseCallerWaitsIsAnsweredWhole() {
        batch();
        runCore();

        assertEquals(items.size(), handled.get());
        verify(out).onNext(items);
        verify(out).onCompleted();
    }

    @Test
    void aBatchWhoseCallerHasGoneIsDroppedAtTheNextChunk() {
        batch();
        core.poll().run(); // the first chunk, while the caller still waits
        when(out.isCancelled()).thenReturn(true); // its deadline passes
        runCore();

        assertEquals(Calls.CHUNK, handled.get(), "only the chunk handled before the caller went");
        verify(out, never()).onNext(any());
        verify(out, never()).onCompleted();
    }
}
