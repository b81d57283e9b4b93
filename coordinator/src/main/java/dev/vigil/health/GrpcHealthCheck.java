package dev.vigil.health;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.util.concurrent.TimeUnit;

/**
 * The standard {@code grpc.health.v1.Health/Check} of the service at {@code 127.0.0.1:port}
 * answers SERVING within the timeout, for the configured service name (empty: the server as a
 * whole). Plaintext: it is loopback to the node's own service, as {@link HttpCheck} trusts any
 * certificate. One channel is kept while the service answers; after UNAVAILABLE it is dropped
 * and the next run opens a new one. A kept channel would sit in reconnect backoff (up to two
 * minutes in gRPC) and fail fast meanwhile, reporting a service that came back as down.
 *
 * <p>This is the one gRPC use outside {@code transport/grpc}: it is a client of the operator's
 * service, not of Vigil's protocol, and has no domain records to map.
 */
public final class GrpcHealthCheck implements ServiceCheck {
    private final int port;
    private final HealthCheckRequest request;
    private final String label;
    private ManagedChannel channel; // guarded by this
    private boolean closed; // guarded by this

    public GrpcHealthCheck(int port, String service) {
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("grpc-health check port must be 1 to 65535, got " + port);
        }
        String name = service == null ? "" : service;
        this.port = port;
        this.request = HealthCheckRequest.newBuilder().setService(name).build();
        this.label = "grpc-health " + LOOPBACK + ":" + port + (name.isEmpty() ? "" : " service '" + name + "'");
    }

    @Override
    public CheckResult check(long timeoutMs) {
        ManagedChannel c = channel();
        if (c == null) {
            return CheckResult.failed(label + ": check closed");
        }
        try {
            HealthCheckResponse r = HealthGrpc.newBlockingStub(c)
                    .withDeadlineAfter(Math.max(1, timeoutMs), TimeUnit.MILLISECONDS).check(request);
            HealthCheckResponse.ServingStatus s = r.getStatus();
            return s == HealthCheckResponse.ServingStatus.SERVING ? CheckResult.ok(label + ": SERVING")
                    : CheckResult.failed(label + ": " + s);
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.UNAVAILABLE) {
                drop(c);
            }
            return CheckResult.failed(label + ": " + describe(e.getStatus(), timeoutMs));
        }
    }

    private synchronized ManagedChannel channel() {
        if (channel == null && !closed) {
            channel = Grpc.newChannelBuilderForAddress(LOOPBACK, port, InsecureChannelCredentials.create())
                    .userAgent("vigil-agent").build();
        }
        return channel;
    }

    private void drop(ManagedChannel c) {
        synchronized (this) {
            if (channel == c) {
                channel = null;
            }
        }
        c.shutdownNow();
    }

    private static String describe(Status s, long timeoutMs) {
        return switch (s.getCode()) {
            case DEADLINE_EXCEEDED -> CheckResult.noAnswer(timeoutMs);
            case NOT_FOUND -> "service unknown to the server (NOT_FOUND)";
            case UNIMPLEMENTED -> "the server does not implement grpc.health.v1 (UNIMPLEMENTED)";
            case UNAVAILABLE -> "unavailable" + (s.getCause() != null ? ": " + CheckResult.why(s.getCause(), timeoutMs)
                    : s.getDescription() != null ? ": " + s.getDescription() : "");
            default -> s.getCode() + (s.getDescription() == null ? "" : ": " + s.getDescription());
        };
    }

    @Override
    public void close() {
        ManagedChannel c;
        synchronized (this) {
            closed = true;
            c = channel;
            channel = null;
        }
        if (c != null) {
            c.shutdownNow();
            try {
                c.awaitTermination(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return label;
    }
}
