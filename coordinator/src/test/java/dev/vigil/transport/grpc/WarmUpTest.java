package dev.vigil.transport.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.core.NodeId;
import dev.vigil.node.FreePorts;
import dev.vigil.proto.v1.AgentServiceGrpc;
import dev.vigil.proto.v1.ProbeBatchReply;
import dev.vigil.proto.v1.ProbeBatchRequest;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.stub.StreamObserver;
import java.net.ServerSocket;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A watcher's warm-up call to each agent: answered, refused, or never answered, it always ends. */
class WarmUpTest {
    @Test
    void eachAgentGetsOneEmptyBatchAndEveryOutcomeEnds() throws Exception {
        var seen = new AtomicInteger();
        var probes = new AtomicInteger();
        Server live = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                .addService(new AgentServiceGrpc.AgentServiceImplBase() {
                    @Override
                    public void probeBatch(ProbeBatchRequest request, StreamObserver<ProbeBatchReply> out) {
                        seen.incrementAndGet();
                        probes.addAndGet(request.getProbesCount());
                        out.onNext(ProbeBatchReply.getDefaultInstance());
                        out.onCompleted();
                    }
                }).build().start();
        int closed = new FreePorts(1).next();
        ExecutorService core = Executors.newSingleThreadExecutor();
        // accepts TCP but never speaks HTTP/2: the call can only run out of time
        try (ServerSocket mute = new ServerSocket(0)) {
            Map<NodeId, Endpoint> agents = new LinkedHashMap<>();
            agents.put(new NodeId("live"), new Endpoint("127.0.0.1", live.getPort()));
            agents.put(new NodeId("closed"), new Endpoint("127.0.0.1", closed));
            agents.put(new NodeId("mute"), new Endpoint("127.0.0.1", mute.getLocalPort()));
            try (var client = new GrpcAgents(agents, null, core, () -> 0L, g -> 1_000L, 1_000)) {
                List<String> how = client.warmUp(500).stream().map(f -> f.orTimeout(10, TimeUnit.SECONDS))
                        .map(CompletableFuture::join).sorted().toList();
                assertEquals("agent closed UNAVAILABLE", how.get(0), how.toString());
                assertTrue(how.get(1).startsWith("agent live answered in "), how.toString());
                assertTrue(how.get(2).equals("agent mute no answer within 500 ms") || how.get(2).equals("agent mute UNAVAILABLE")
                        || how.get(2).equals("agent mute DEADLINE_EXCEEDED"), how.toString());
                assertEquals(1, seen.get(), "one call to the live agent");
                assertEquals(0, probes.get(), "the warm-up batch carries no probe");
            }
        } finally {
            live.shutdownNow();
            core.shutdownNow();
        }
    }
}
