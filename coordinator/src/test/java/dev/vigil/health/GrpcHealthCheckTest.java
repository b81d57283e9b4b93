package dev.vigil.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A real gRPC server in this JVM, plaintext on a kernel-chosen port. */
class GrpcHealthCheckTest {
    private final List<Server> servers = new ArrayList<>();
    private final List<ServiceCheck> checks = new ArrayList<>();

    @AfterEach
    void tearDown() throws InterruptedException {
        checks.forEach(ServiceCheck::close);
        for (Server s : servers) {
            s.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private Server serve(int port, io.grpc.BindableService service) throws IOException {
        Server s = Grpc.newServerBuilderForPort(port, InsecureServerCredentials.create()).addService(service).build()
                .start();
        servers.add(s);
        return s;
    }

    private GrpcHealthCheck check(int port, String service) {
        var c = new GrpcHealthCheck(port, service);
        checks.add(c);
        return c;
    }

    @Test
    void okWhileServingThenFailsWhenNotServing() throws IOException {
        var health = new HealthStatusManager();
        int port = serve(0, health.getHealthService()).getPort();
        var check = check(port, "");

        CheckResult serving = check.check(2_000);
        health.setStatus("", ServingStatus.NOT_SERVING);
        CheckResult notServing = check.check(2_000);

        assertTrue(serving.ok(), serving.reason());
        assertEquals("grpc-health 127.0.0.1:" + port + ": SERVING", serving.reason());
        assertFalse(notServing.ok());
        assertEquals("grpc-health 127.0.0.1:" + port + ": NOT_SERVING", notServing.reason());
    }

    @Test
    void asksForTheNamedService() throws IOException {
        var health = new HealthStatusManager();
        health.setStatus("vigil.test.Db", ServingStatus.SERVING);
        int port = serve(0, health.getHealthService()).getPort();

        CheckResult db = check(port, "vigil.test.Db").check(2_000);
        CheckResult other = check(port, "vigil.test.Other").check(2_000);

        assertTrue(db.ok(), db.reason());
        assertEquals("grpc-health 127.0.0.1:" + port + " service 'vigil.test.Db': SERVING", db.reason());
        assertFalse(other.ok());
        assertTrue(other.reason().endsWith("service 'vigil.test.Other': service unknown to the server (NOT_FOUND)"),
                other.reason());
    }

    @Test
    void failsWhenNoAnswerComesWithinTheDeadline() throws IOException {
        int port = serve(0, new HealthGrpc.HealthImplBase() {
            @Override
            public void check(HealthCheckRequest request, StreamObserver<HealthCheckResponse> out) {
                // never answers
            }
        }).getPort();

        CheckResult r = check(port, "").check(300);

        assertFalse(r.ok());
        assertEquals("grpc-health 127.0.0.1:" + port + ": no answer within 300 ms", r.reason());
    }

    @Test
    void failsOnAClosedPortAndRecoversAtOnceWhenTheServiceComesBack() throws IOException {
        int port = TcpCheckTest.closedPort();
        var check = check(port, "");

        CheckResult down = check.check(1_000);
        CheckResult stillDown = check.check(1_000);
        serve(port, new HealthStatusManager().getHealthService());
        CheckResult back = check.check(1_000);

        assertFalse(down.ok());
        assertEquals("grpc-health 127.0.0.1:" + port + ": unavailable: connection refused", down.reason());
        assertFalse(stillDown.ok());
        // A channel kept in reconnect backoff would still say UNAVAILABLE here.
        assertTrue(back.ok(), back.reason());
    }
}
