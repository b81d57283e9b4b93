package dev.vigil.transport.grpc;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;

/**
 * Gathers the messages for one destination that the core thread produces at one moment and
 * hands them over as one batch: the first message for a destination queues a flush on the core
 * executor, which runs after the task at hand and the timers already due, so a batch holds what
 * was due together and no message waits for a later one. A watcher of many groups would
 * otherwise make one gRPC call per group per node every probe interval.
 */
public final class Coalescer<K, T> {
    private final Executor core;
    private final int maxBatch;
    private final BiConsumer<K, List<T>> send;
    private final Map<K, List<T>> pending = new HashMap<>();

    public Coalescer(Executor core, int maxBatch, BiConsumer<K, List<T>> send) {
        this.core = core;
        this.maxBatch = maxBatch;
        this.send = send;
    }

    public void add(K to, T item) {
        List<T> full = null;
        boolean first;
        synchronized (this) {
            List<T> batch = pending.get(to);
            first = batch == null;
            if (first) {
                batch = new ArrayList<>();
                pending.put(to, batch);
            }
            batch.add(item);
            if (batch.size() >= maxBatch) {
                full = pending.remove(to);
            }
        }
        if (full != null) {
            send.accept(to, full);
        } else if (first) {
            try {
                core.execute(() -> flush(to));
            } catch (RejectedExecutionException e) {
                // shutting down: nothing will read the replies
            }
        }
    }

    private void flush(K to) {
        List<T> batch;
        synchronized (this) {
            batch = pending.remove(to);
        }
        if (batch != null) {
            send.accept(to, batch);
        }
    }
}
