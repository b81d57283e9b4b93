package dev.vigil.transport.grpc;

import dev.vigil.proto.v1.CallError;
import dev.vigil.time.Clock;
import io.grpc.ConnectivityState;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.ObjLongConsumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side shared by peers and agents: one channel per remote process, reconnected by
 * the next call after a failure, replies handed to the core thread, and one log line when a remote
 * becomes unreachable and one when it is back, not one per failed call.
 */
final class Links<K> implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger("dev.vigil.grpc");
    /** A failed channel connects again no more often than this, however many calls it carries. */
    static final long RECONNECT_MS = 250;

    private final Map<K, ManagedChannel> channels = new ConcurrentHashMap<>();
    private final Map<K, Boolean> down = new ConcurrentHashMap<>();
    private final Map<K, Long> lastReconnect = new ConcurrentHashMap<>();
    private final Executor core;
    private final Clock clock;
    private final String kind;

    /** {@code clock} stamps each reply's arrival, on the clock the core reads. */
    Links(Map<K, Endpoint> endpoints, TlsFiles tls, Executor core, Clock clock, String kind) {
        this.core = core;
        this.clock = clock;
        this.kind = kind;
        endpoints.forEach((id, e) -> {
            var b = Grpc.newChannelBuilderForAddress(e.host(), e.port(), TlsFiles.client(tls));
            if (tls != null) {
                b.overrideAuthority(id.toString()); // the server's certificate must name the id we meant
            }
            ManagedChannel ch = b.build();
            ch.getState(true); // connect now: the first probe should not pay for the handshake
            channels.put(id, ch);
        });
    }

    /**
     * The channel to {@code id}. One that has failed to connect is told to try again now, at most
     * every {@link #RECONNECT_MS}: gRPC's own backoff grows to two minutes, so a remote back from
     * a restart of a few seconds would stay unreachable for longer than down-after. The limit
     * matters because a watcher calls this for every group it probes on an agent.
     */
    ManagedChannel channel(K id) {
        ManagedChannel ch = channels.get(id);
        if (ch == null) {
            throw new IllegalArgumentException("no " + kind + " " + id + " in the cluster file");
        }
        if (ch.getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
            long now = System.nanoTime();
            Long last = lastReconnect.get(id);
            if (last == null || now - last >= TimeUnit.MILLISECONDS.toNanos(RECONNECT_MS)) {
                lastReconnect.put(id, now); // a race costs one connect more, nothing else
                ch.resetConnectBackoff();
            }
        }
        return ch;
    }

    /** An observer that hands a reply to {@code onReply} on the core thread; failures are logged, not delivered. */
    <T> StreamObserver<T> reply(K id, String rpc, Consumer<T> onReply) {
        return reply(id, rpc, (v, arrived) -> onReply.accept(v), s -> false);
    }

    /**
     * As {@link #reply(Object, String, Consumer)}, with the time the reply arrived, read on the
     * transport's thread; a failure {@code handled} accepts is neither logged nor counted.
     */
    <T> StreamObserver<T> reply(K id, String rpc, ObjLongConsumer<T> onReply, Predicate<Status> handled) {
        return new StreamObserver<>() {
            @Override
            public void onNext(T value) {
                long arrived = clock.nowMillis();
                up(id);
                try {
                    core.execute(() -> {
                        try {
                            onReply.accept(value, arrived);
                        } catch (RuntimeException e) {
                            log.warn("{} {} sent an invalid {} reply: {}", kind, id, rpc, e.getMessage());
                        }
                    });
                } catch (RejectedExecutionException e) {
                    // shutting down
                }
            }

            @Override
            public void onError(Throwable t) {
                Status s = Status.fromThrowable(t);
                if (handled.test(s)) {
                    return;
                }
                if (s.getCode() == Status.Code.UNAVAILABLE || s.getCode() == Status.Code.DEADLINE_EXCEEDED) {
                    if (down.put(id, Boolean.TRUE) == null) {
                        log.warn("{} {} unreachable: {} on {}", kind, id, s.getCode(), rpc);
                    }
                } else {
                    up(id);
                    log.warn("{} {} refused {}: {} {}", kind, id, rpc, s.getCode(), s.getDescription());
                }
            }

            @Override
            public void onCompleted() {}
        };
    }

    /**
     * One harmless call to every remote at once, each done when answered, failed or
     * {@code maxMs} passed: the first calls over new channels pay for class loading and the
     * handshake on both sides, a second or more on a busy host, and a probe that paid for it
     * would miss its deadline and count as silence. Each future says how its call went.
     */
    <T> List<CompletableFuture<String>> warmUp(long maxMs, BiConsumer<K, StreamObserver<T>> call) {
        long start = System.nanoTime();
        return channels.keySet().stream().map(id -> {
            var f = new CompletableFuture<String>();
            call.accept(id, new StreamObserver<T>() {
                @Override
                public void onNext(T value) {
                    f.complete(kind + " " + id + " answered in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)
                            + " ms");
                }

                @Override
                public void onError(Throwable t) {
                    f.complete(kind + " " + id + " " + Status.fromThrowable(t).getCode());
                }

                @Override
                public void onCompleted() {}
            });
            return f.completeOnTimeout(kind + " " + id + " no answer within " + maxMs + " ms", maxMs, TimeUnit.MILLISECONDS);
        }).toList();
    }

    /** A failed item of a batch, logged as the failure of its own call would be. */
    void refused(K id, String rpc, CallError e) {
        log.warn("{} {} refused {}: {} {}", kind, id, rpc, e.getCode(), e.getDescription());
    }

    /** A batch reply that does not match its request. */
    void invalid(K id, String rpc, String why) {
        log.warn("{} {} sent an invalid {} reply: {}", kind, id, rpc, why);
    }

    /** Logs once that {@code id} runs a vigil without batches, so calls to it go one by one. */
    void unbatched(K id, String rpc) {
        log.info("{} {} does not serve {} (an older vigil): one call per message from now on", kind, id, rpc);
    }

    private void up(K id) {
        if (down.remove(id) != null) {
            log.info("{} {} reachable again", kind, id);
        }
    }

    @Override
    public void close() {
        channels.values().forEach(ManagedChannel::shutdownNow);
    }
}
