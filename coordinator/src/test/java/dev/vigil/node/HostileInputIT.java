package dev.vigil.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vigil.config.ClusterFile;
import dev.vigil.config.ClusterFileLoader;
import dev.vigil.core.NodeId;
import dev.vigil.core.WatcherId;
import dev.vigil.proto.v1.AdminServiceGrpc;
import dev.vigil.proto.v1.AgentServiceGrpc;
import dev.vigil.proto.v1.AgentStatusRequest;
import dev.vigil.proto.v1.FailoverRequest;
import dev.vigil.proto.v1.HelloMsg;
import dev.vigil.proto.v1.PeerServiceGrpc;
import dev.vigil.proto.v1.ProbeRequest;
import dev.vigil.proto.v1.PromoteRequest;
import dev.vigil.proto.v1.ReleaseRequest;
import dev.vigil.proto.v1.StatusRequest;
import dev.vigil.proto.v1.VoteRequest;
import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile input to every service of a real watcher and agent on loopback: random bytes to every
 * method, and well-formed messages with unknown groups and nodes, out-of-range terms, strangers'
 * ids and huge strings. Each gets an error status within its deadline; afterwards both daemons
 * still serve and no term, epoch or fencing token has moved.
 */
class HostileInputIT {
    @TempDir
    Path dir;

    private WatcherNode watcher;
    private AgentNode agent;
    private ManagedChannel toWatcher;
    private ManagedChannel toAgent;

    @BeforeEach
    void start() throws Exception {
        FreePorts ports = new FreePorts(6);
        int w1 = ports.next();
        int n1 = ports.next();
        String yaml = "state-dir: " + dir.resolve("state") + "\n" + """
                watchers:
                  - {id: w1, address: 127.0.0.1:%d}
                  - {id: w2, address: 127.0.0.1:%d}
                  - {id: w3, address: 127.0.0.1:%d}
                groups:
                  - id: web
                    floating-ip: 192.0.2.10/24
                    interface: lo
                    initial-primary: n1
                    nodes:
                      - {id: n1, agent: 127.0.0.1:%d}
                      - {id: n2, agent: 127.0.0.1:%d}
                """.formatted(w1, ports.next(), ports.next(), n1, ports.next());
        ClusterFile file = ClusterFileLoader.parse(yaml, dir.resolve("cluster.yaml"));
        watcher = WatcherNode.start(file, new WatcherId("w1"));
        agent = AgentNode.start(file, new NodeId("n1"));
        toWatcher = Grpc.newChannelBuilderForAddress("127.0.0.1", w1, InsecureChannelCredentials.create()).build();
        toAgent = Grpc.newChannelBuilderForAddress("127.0.0.1", n1, InsecureChannelCredentials.create()).build();
    }

    @AfterEach
    void stop() {
        toWatcher.shutdownNow();
        toAgent.shutdownNow();
        watcher.close();
        agent.close();
    }

    @Test
    void randomBytesToEveryMethodGetAnErrorAndChangeNothing() {
        String before = state();
        Random random = new Random(42);
        List<String> answered = new ArrayList<>();
        for (var target : List.of(new Object[] {toWatcher, PeerServiceGrpc.getServiceDescriptor()},
                new Object[] {toWatcher, AdminServiceGrpc.getServiceDescriptor()},
                new Object[] {toAgent, AgentServiceGrpc.getServiceDescriptor()})) {
            ManagedChannel ch = (ManagedChannel) target[0];
            for (MethodDescriptor<?, ?> m : ((ServiceDescriptor) target[1]).getMethods()) {
                for (int i = 0; i < 20; i++) {
                    byte[] junk = new byte[1 + random.nextInt(i < 10 ? 64 : 4096)];
                    random.nextBytes(junk);
                    if (call(ch, m, junk) == Status.Code.OK) {
                        answered.add(m.getFullMethodName());
                    }
                }
            }
        }
        // Only read-only admin calls may succeed: junk can parse as "status of every group".
        answered.removeIf(m -> m.endsWith("/Status") || m.endsWith("/Events"));
        assertEquals(List.of(), answered, "junk that was accepted");
        assertEquals(before, state(), "no term, epoch or fencing token moved");
    }

    @Test
    void wellFormedButHostileMessagesGetErrorStatuses() {
        String before = state();
        var peer = PeerServiceGrpc.newBlockingStub(toWatcher).withDeadlineAfter(3, TimeUnit.SECONDS);
        var admin = AdminServiceGrpc.newBlockingStub(toWatcher).withDeadlineAfter(3, TimeUnit.SECONDS);
        var agentStub = AgentServiceGrpc.newBlockingStub(toAgent).withDeadlineAfter(3, TimeUnit.SECONDS);
        HelloMsg hello = HelloMsg.newBuilder().setGroup("web").setFrom("w2").setTerm(1).setPrimary("n1").build();
        String huge = "x".repeat(200_000);

        expect(Status.Code.NOT_FOUND, () -> peer.hello(hello.toBuilder().setGroup("nope").build()));
        expect(Status.Code.INVALID_ARGUMENT, () -> peer.hello(hello.toBuilder().setFrom("w9").build()));
        expect(Status.Code.INVALID_ARGUMENT, () -> peer.hello(hello.toBuilder().setTerm(Long.MAX_VALUE).build()));
        expect(Status.Code.INVALID_ARGUMENT, () -> peer.hello(hello.toBuilder().setTerm(-1).build()));
        expect(Status.Code.INVALID_ARGUMENT, () -> peer.hello(hello.toBuilder().setGroup(huge).build()));
        expect(Status.Code.INVALID_ARGUMENT, () -> peer.isPrimaryDown(hello.toBuilder().setFrom("").build()));
        expect(Status.Code.INVALID_ARGUMENT, () -> peer.isPrimaryDown(hello.toBuilder().setPrimary("n1;rm -rf /").build()));
        var vote = VoteRequest.newBuilder().setGroup("web").setCandidate("w2").setTerm(5).build();
        expect(Status.Code.INVALID_ARGUMENT, () -> peer.requestVote(vote.toBuilder().setTerm(Long.MAX_VALUE).build()));
        expect(Status.Code.INVALID_ARGUMENT, () -> peer.requestVote(vote.toBuilder().setCandidate("w1").build()));
        expect(Status.Code.INVALID_ARGUMENT, () -> peer.requestVote(vote.toBuilder().setConfigEpoch(-7).build()));
        expect(Status.Code.NOT_FOUND, () -> peer.requestVote(vote.toBuilder().setGroup("db").build()));

        var probe = ProbeRequest.newBuilder().setGroup("web").setWatcher("w1").setNode("n1").build();
        expect(Status.Code.INVALID_ARGUMENT, () -> agentStub.probe(probe.toBuilder().setWatcher("mallory").build()));
        expect(Status.Code.NOT_FOUND, () -> agentStub.probe(probe.toBuilder().setNode("n2").build()));
        expect(Status.Code.NOT_FOUND, () -> agentStub.probe(probe.toBuilder().setGroup("db").build()));
        expect(Status.Code.INVALID_ARGUMENT, () -> agentStub.probe(probe.toBuilder().setVouchTerm(Long.MAX_VALUE).build()));
        var promote = PromoteRequest.newBuilder().setGroup("web").setNode("n1").setLeader("w2").setTerm(3).build();
        expect(Status.Code.INVALID_ARGUMENT, () -> agentStub.promote(promote.toBuilder().setTerm(Long.MAX_VALUE).build()));
        expect(Status.Code.NOT_FOUND, () -> agentStub.promote(promote.toBuilder().setNode("n2").build()));
        expect(Status.Code.INVALID_ARGUMENT, () -> agentStub.promote(promote.toBuilder().setLeader(huge).build()));
        var release = ReleaseRequest.newBuilder().setGroup("web").setNode("n1").setLeader("w2").build();
        expect(Status.Code.INVALID_ARGUMENT, () -> agentStub.release(release.toBuilder().setTerm(-1).build()));
        expect(Status.Code.NOT_FOUND, () -> agentStub.release(release.toBuilder().setGroup("db").setTerm(2).build()));

        expect(Status.Code.NOT_FOUND, () -> admin.failover(FailoverRequest.newBuilder().setGroup("db").build()));
        expect(Status.Code.NOT_FOUND, () -> admin.failover(FailoverRequest.newBuilder().setGroup("web").setTo("n9").build()));
        expect(Status.Code.INVALID_ARGUMENT, () -> admin.failover(FailoverRequest.newBuilder().setGroup("").build()));
        expect(Status.Code.NOT_FOUND, () -> admin.status(StatusRequest.newBuilder().setGroup("db").build()));

        assertEquals(before, state(), "no term, epoch or fencing token moved");
    }

    private static void expect(Status.Code code, Executable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::execute);
        assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
    }

    private String state() {
        var w = AdminServiceGrpc.newBlockingStub(toWatcher).withDeadlineAfter(3, TimeUnit.SECONDS)
                .status(StatusRequest.getDefaultInstance()).getGroups(0);
        var a = AgentServiceGrpc.newBlockingStub(toAgent).withDeadlineAfter(3, TimeUnit.SECONDS)
                .status(AgentStatusRequest.getDefaultInstance()).getGroups(0);
        return "term=" + w.getTerm() + " epoch=" + w.getConfigEpoch() + " primary=" + w.getPrimary()
                + " agent.highest=" + a.getHighestTerm() + " agent.epoch=" + a.getConfigEpoch();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Status.Code call(ManagedChannel ch, MethodDescriptor<?, ?> m, byte[] body) {
        MethodDescriptor<byte[], byte[]> raw = ((MethodDescriptor) m).toBuilder(BYTES, BYTES).build();
        var options = CallOptions.DEFAULT.withDeadlineAfter(3, TimeUnit.SECONDS);
        try {
            if (m.getType() == MethodDescriptor.MethodType.UNARY) {
                ClientCalls.blockingUnaryCall(ch, raw, options, body);
            } else {
                ClientCalls.blockingServerStreamingCall(ch, raw, options, body).forEachRemaining(b -> { });
            }
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            assertNotEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode(), m.getFullMethodName() + " hung");
            return e.getStatus().getCode();
        }
    }

    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    };


    /** A call that may throw anything. */
    @FunctionalInterface
    interface Executable {
        void execute();
    }
}
