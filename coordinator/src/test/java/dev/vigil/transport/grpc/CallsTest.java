package dev.vigil.transport.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.common.util.concurrent.ListenableFuture;
import dev.vigil.proto.v1.AgentServiceGrpc;
import dev.vigil.proto.v1.ProbeBatchReply;
import dev.vigil.proto.v1.ProbeBatchRequest;
import dev.vigil.proto.v1.ProbeRequest;
import dev.vigil.proto.v1.ProbeResult;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A batch on a real gRPC server whose core thread the test runs by hand: answered whole while
 * its caller waits, dropped once the caller's deadline has passed.
 */
class CallsTest {
    private static final int ITEMS = Calls.CHUNK * 2 + 88;

    private final BlockingQueue<Runnable> core = new LinkedBlockingQueue<>();
    private final AtomicInteger handled = new AtomicInteger();
    private Server server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                .addService(new AgentServiceGrpc.AgentServiceImplBase() {
                    @Override
                    public void probeBatch(ProbeBatchRequest request, StreamObserver<ProbeBatchReply> out) {
                        Calls.batch(core::add, out, request.getProbesList(), p -> {
                            handled.incrementAndGet();
                            return ProbeResult.getDefaultInstance();
                        }, e -> ProbeResult.getDefaultInstance(), r -> ProbeBatchReply.newBuilder().addAllResults(r).build());
                    }
                }).build().start();
        channel = Grpc.newChannelBuilderForAddress("127.0.0.1", server.getPort(), InsecureChannelCredentials.create())
                .build();
    }

    @AfterEach
    void stop() {
        channel.shutdownNow();
        server.shutdownNow();
    }

    private ListenableFuture<ProbeBatchReply> call(long deadlineMs) {
        var b = ProbeBatchRequest.newBuilder();
        for (int i = 0; i < ITEMS; i++) {
            b.addProbes(ProbeRequest.getDefaultInstance());
        }
        return AgentServiceGrpc.newFutureStub(channel).withDeadlineAfter(deadlineMs, TimeUnit.MILLISECONDS)
                .probeBatch(b.build());
    }

    @Test
    void aBatchWhoseCallerWaitsIsAnsweredWhole() throws Exception {
        var reply = call(20_000);
        while (!reply.isDone()) {
            Runnable r = core.poll(50, TimeUnit.MILLISECONDS);
            if (r != null) {
                r.run();
            }
        }

        assertEquals(ITEMS, reply.get().getResultsCount());
        assertEquals(ITEMS, handled.get());
    }

    @Test
    void aBatchWhoseCallerHasGoneIsDropped() throws Exception {
        var reply = call(300);
        Runnable first = core.poll(10, TimeUnit.SECONDS); // arrived, but the core thread is busy elsewhere
        var e = assertThrows(ExecutionException.class, () -> reply.get(10, TimeUnit.SECONDS));
        assertEquals(Status.Code.DEADLINE_EXCEEDED, Status.fromThrowable(e.getCause()).getCode());
        Thread.sleep(200); // the server's side of the deadline, or the client's cancellation, arrives

        first.run();
        for (Runnable r; (r = core.poll()) != null; ) {
            r.run();
        }

        assertEquals(0, handled.get(), "no probe of a batch nobody waits for is handled");
    }
}
