package dev.vigil.transport.grpc;

import dev.vigil.core.ProtocolException;
import dev.vigil.proto.v1.CallError;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a request on the core's single thread and answers it; turns the protocol's typed errors
 * into gRPC statuses. Nothing that arrives from the network can throw past this point.
 */
final class Calls {
    private static final Logger log = LoggerFactory.getLogger("dev.vigil.grpc");

    private Calls() {}

    /**
     * Checks, on the gRPC thread where the caller's identity is known, that the caller is
     * {@code claimed}; on failure answers PERMISSION_DENIED and returns false.
     */
    static boolean authorized(StreamObserver<?> out, String claimed) {
        try {
            Identity.require(claimed);
            return true;
        } catch (StatusRuntimeException e) {
            out.onError(e);
            return false;
        }
    }

    static <T> void unary(Executor core, StreamObserver<T> out, Supplier<T> work) {
        submit(core, out, () -> {
            T reply = work.get();
            out.onNext(reply);
            out.onCompleted();
        });
    }

    /** For handlers that answer later (Promote, Release): {@code work} arranges the answer itself. */
    static <T> void submit(Executor core, StreamObserver<T> out, Runnable work) {
        try {
            core.execute(() -> {
                try {
                    work.run();
                } catch (RuntimeException e) {
                    out.onError(status(e));
                }
            });
        } catch (RejectedExecutionException e) {
            out.onError(Status.UNAVAILABLE.withDescription("shutting down").asRuntimeException());
        }
    }

    /** Items of a batch handled per core task, so that timers due meanwhile wait for at most this many. */
    static final int CHUNK = 256;

    /**
     * Runs {@code each} over {@code items} on the core thread, {@value #CHUNK} per task so that
     * a large batch never holds up the timers due meanwhile for long, then {@code done} with
     * the results in order, on the core thread; or stops, without {@code done}, at the first
     * task that finds {@code abandoned} true. {@code each} must not throw.
     */
    static <I, R> void chunked(Executor core, List<I> items, BooleanSupplier abandoned, Function<I, R> each,
            Consumer<List<R>> done) {
        List<R> results = new ArrayList<>(items.size());
        Runnable[] step = new Runnable[1];
        step[0] = () -> {
            if (abandoned.getAsBoolean()) {
                return;
            }
            int end = Math.min(items.size(), results.size() + CHUNK);
            for (int i = results.size(); i < end; i++) {
                results.add(each.apply(items.get(i)));
            }
            if (results.size() < items.size()) {
                core.execute(step[0]);
            } else {
                done.accept(results);
            }
        };
        core.execute(step[0]);
    }

    /**
     * A batch's answer: {@code each} turns one item into its result; a failed item becomes its
     * {@link CallError}. A batch whose caller has gone (its deadline passed, or it cancelled) is
     * dropped at the next chunk: an overloaded process that kept working through the batches
     * nobody waits for any more would only fall further behind, its memory filling with them.
     */
    static <I, R, T> void batch(Executor core, StreamObserver<T> out, List<I> items, Function<I, R> each,
            Function<CallError, R> failed, Function<List<R>, T> reply) {
        BooleanSupplier gone = () -> false;
        if (out instanceof ServerCallStreamObserver<T> s) {
            s.setOnCancelHandler(() -> { }); // an answer racing the cancellation is dropped, not thrown
            gone = s::isCancelled;
        }
        try {
            chunked(core, items, gone, item -> {
                try {
                    return each.apply(item);
                } catch (RuntimeException e) {
                    return failed.apply(error(status(e)));
                }
            }, results -> {
                out.onNext(reply.apply(results));
                out.onCompleted();
            });
        } catch (RejectedExecutionException e) {
            out.onError(Status.UNAVAILABLE.withDescription("shutting down").asRuntimeException());
        }
    }

    static CallError error(StatusRuntimeException e) {
        Status s = e.getStatus();
        return CallError.newBuilder().setCode(s.getCode().name()).setDescription(String.valueOf(s.getDescription())).build();
    }

    static StatusRuntimeException status(RuntimeException e) {
        if (e instanceof StatusRuntimeException s) {
            return s;
        }
        if (e instanceof ProtocolException p) {
            Status s = switch (p.code()) {
                case UNKNOWN_GROUP, UNKNOWN_NODE -> Status.NOT_FOUND;
                case INVALID_ARGUMENT -> Status.INVALID_ARGUMENT;
                case FAILED_PRECONDITION -> Status.FAILED_PRECONDITION;
            };
            return s.withDescription(p.getMessage()).asRuntimeException();
        }
        if (e instanceof IllegalArgumentException) {
            return Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
        }
        log.error("internal error serving a request", e);
        return Status.INTERNAL.withDescription(e.toString()).asRuntimeException();
    }
}
