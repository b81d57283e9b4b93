package dev.vigil.transport.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vigil.core.GroupId;
import dev.vigil.core.NodeId;
import dev.vigil.core.ProtocolException;
import dev.vigil.core.WatcherId;
import dev.vigil.proto.v1.HelloMsg;
import dev.vigil.transport.Hello;
import dev.vigil.transport.ProbeReply;
import dev.vigil.transport.ProbeRequest;
import dev.vigil.transport.PromoteRequest;
import dev.vigil.transport.ReleaseRequest;
import dev.vigil.transport.VoteReply;
import dev.vigil.transport.VoteRequest;
import org.junit.jupiter.api.Test;

/** Every peer and agent message keeps its config fingerprint through its wire form. */
class ConvertTest {
    private static final GroupId WEB = new GroupId("web");
    private static final WatcherId W1 = new WatcherId("w1");
    private static final NodeId N1 = new NodeId("n1");
    private static final NodeId N2 = new NodeId("n2");
    private static final String FP = "0a1b2c3d4e5f";

    @Test
    void peerMessagesRoundTripWithTheirFingerprint() throws Exception {
        var hello = new Hello(WEB, W1, 7, 3, N1, true, W1, FP);
        var vote = new VoteRequest(WEB, W1, 7, 3, true, N2, FP);
        var reply = new VoteReply(WEB, W1, 7, false, "config fingerprint x differs from mine y", FP);

        assertEquals(hello, Convert.domain(HelloMsg.parseFrom(Convert.proto(hello).toByteArray())));
        assertEquals(vote, Convert.domain(dev.vigil.proto.v1.VoteRequest.parseFrom(Convert.proto(vote).toByteArray())));
        assertEquals(reply, Convert.domain(dev.vigil.proto.v1.VoteReply.parseFrom(Convert.proto(reply).toByteArray())));
    }

    @Test
    void agentMessagesRoundTripWithTheirFingerprint() throws Exception {
        var probe = new ProbeRequest(WEB, W1, N1, 3, N1, 3, 99, 12345, 7, FP);
        var probeReply = new ProbeReply(WEB, N1, true, 99, 12346, 3, N1, 3, true, FP);
        var promote = new PromoteRequest(WEB, N2, 8, W1, N1, FP);
        var release = new ReleaseRequest(WEB, N1, 8, W1, true, FP);

        assertEquals(probe, Convert.domain(dev.vigil.proto.v1.ProbeRequest.parseFrom(Convert.proto(probe).toByteArray())));
        assertEquals(probeReply,
                Convert.domain(dev.vigil.proto.v1.ProbeReply.parseFrom(Convert.proto(probeReply).toByteArray())));
        assertEquals(promote,
                Convert.domain(dev.vigil.proto.v1.PromoteRequest.parseFrom(Convert.proto(promote).toByteArray())));
        assertEquals(release,
                Convert.domain(dev.vigil.proto.v1.ReleaseRequest.parseFrom(Convert.proto(release).toByteArray())));
    }

    @Test
    void aSenderWithoutFingerprintsSendsNoneAndGarbageIsRefused() {
        var old = HelloMsg.newBuilder().setGroup("web").setFrom("w1").setTerm(1).build();
        assertEquals("", Convert.domain(old).fingerprint(), "a version without fingerprints: empty, a mismatch");

        for (String bad : new String[] {"ZZZ", "0A1B", "a b", "a".repeat(65)}) {
            var m = old.toBuilder().setConfigFingerprint(bad).build();
            var e = assertThrows(ProtocolException.class, () -> Convert.domain(m), bad);
            assertEquals(ProtocolException.Code.INVALID_ARGUMENT, e.code());
        }
    }
}
