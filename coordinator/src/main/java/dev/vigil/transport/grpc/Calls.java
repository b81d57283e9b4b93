package dev.vigil.transport.grpc;

import dev.vigil.core.ProtocolException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
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
