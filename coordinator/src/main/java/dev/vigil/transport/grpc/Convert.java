package dev.vigil.transport.grpc;

import dev.vigil.core.GroupId;
import dev.vigil.core.NodeId;
import dev.vigil.core.ProtocolException;
import dev.vigil.core.WatcherId;
import dev.vigil.proto.v1.HelloMsg;
import dev.vigil.time.TimerLag;
import java.util.Arrays;
import dev.vigil.transport.AgentReply;
import dev.vigil.transport.Hello;
import dev.vigil.transport.ProbeReply;
import dev.vigil.transport.ProbeRequest;
import dev.vigil.transport.PromoteRequest;
import dev.vigil.transport.ReleaseRequest;
import dev.vigil.transport.VoteReply;
import dev.vigil.transport.VoteRequest;

/**
 * Protobuf to domain records and back. Everything from the wire is validated here, before it
 * reaches the protocol: ids through their records, terms and stamps within range. A bad value
 * throws {@link ProtocolException} (INVALID_ARGUMENT at the edge). Empty strings stand for null.
 */
public final class Convert {
    /** Far beyond any real term, far below overflow: a term above it is an attack or a bug. */
    static final long MAX_TERM = 1L << 48;

    private Convert() {}

    static GroupId group(String s) {
        return new GroupId(required("group", s));
    }

    static WatcherId watcher(String what, String s) {
        return new WatcherId(required(what, s));
    }

    static NodeId node(String what, String s) {
        return new NodeId(required(what, s));
    }

    static NodeId nodeOrNull(String s) {
        return s.isEmpty() ? null : new NodeId(s);
    }

    static WatcherId watcherOrNull(String s) {
        return s.isEmpty() ? null : new WatcherId(s);
    }

    static String str(Object o) {
        return o == null ? "" : o.toString();
    }

    static long term(String what, long v) {
        if (v < 0 || v > MAX_TERM) {
            throw new ProtocolException(ProtocolException.Code.INVALID_ARGUMENT, what + " out of range: " + v);
        }
        return v;
    }

    /** Empty (a sender without fingerprints) or up to 64 lowercase hex digits. */
    static String fingerprint(String s) {
        if (s.length() > 64 || !s.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            throw new ProtocolException(ProtocolException.Code.INVALID_ARGUMENT,
                    "config_fingerprint is not up to 64 lowercase hex digits");
        }
        return s;
    }

    private static String required(String what, String s) {
        if (s.isEmpty()) {
            throw new ProtocolException(ProtocolException.Code.INVALID_ARGUMENT, what + " is missing");
        }
        return s;
    }

    // ---- peer -----------------------------------------------------------------------------

    static dev.vigil.proto.v1.TimerLag proto(TimerLag.Snapshot s) {
        var b = dev.vigil.proto.v1.TimerLag.newBuilder().setSumUs(s.sumUs()).setMaxUs(s.maxUs());
        Arrays.stream(s.boundsUs()).forEach(b::addBoundsUs);
        Arrays.stream(s.counts()).forEach(b::addCounts);
        return b.build();
    }

    /** Null from a watcher that does not report it. */
    static TimerLag.Snapshot domain(dev.vigil.proto.v1.TimerLag m) {
        if (m.getCountsCount() != m.getBoundsUsCount() + 1) {
            return null;
        }
        return new TimerLag.Snapshot(m.getBoundsUsList().stream().mapToLong(Long::longValue).toArray(),
                m.getCountsList().stream().mapToLong(Long::longValue).toArray(), m.getSumUs(), m.getMaxUs());
    }

    static HelloMsg proto(Hello h) {
        return HelloMsg.newBuilder().setGroup(h.group().value()).setFrom(h.from().value()).setTerm(h.term())
                .setConfigEpoch(h.configEpoch()).setPrimary(str(h.primary())).setSdown(h.sdown())
                .setLeader(str(h.leader())).setConfigFingerprint(h.fingerprint()).build();
    }

    static Hello domain(HelloMsg m) {
        return new Hello(group(m.getGroup()), watcher("from", m.getFrom()), term("term", m.getTerm()),
                term("config_epoch", m.getConfigEpoch()), nodeOrNull(m.getPrimary()), m.getSdown(),
                watcherOrNull(m.getLeader()), fingerprint(m.getConfigFingerprint()));
    }

    static dev.vigil.proto.v1.VoteRequest proto(VoteRequest r) {
        return dev.vigil.proto.v1.VoteRequest.newBuilder().setGroup(r.group().value())
                .setCandidate(r.candidate().value()).setTerm(r.term()).setConfigEpoch(r.configEpoch())
                .setManual(r.manual()).setTarget(str(r.target())).setConfigFingerprint(r.fingerprint()).build();
    }

    static VoteRequest domain(dev.vigil.proto.v1.VoteRequest m) {
        return new VoteRequest(group(m.getGroup()), watcher("candidate", m.getCandidate()), term("term", m.getTerm()),
                term("config_epoch", m.getConfigEpoch()), m.getManual(), nodeOrNull(m.getTarget()),
                fingerprint(m.getConfigFingerprint()));
    }

    static dev.vigil.proto.v1.VoteReply proto(VoteReply r) {
        return dev.vigil.proto.v1.VoteReply.newBuilder().setGroup(r.group().value()).setVoter(r.voter().value())
                .setTerm(r.term()).setGranted(r.granted()).setReason(str(r.reason()))
                .setConfigFingerprint(r.fingerprint()).build();
    }

    static VoteReply domain(dev.vigil.proto.v1.VoteReply m) {
        return new VoteReply(group(m.getGroup()), watcher("voter", m.getVoter()), term("term", m.getTerm()),
                m.getGranted(), m.getReason(), fingerprint(m.getConfigFingerprint()));
    }

    // ---- agent ----------------------------------------------------------------------------
    // The probe conversions are public: the datagram transport (transport/udp) carries the same
    // messages and validates them the same way.

    public static dev.vigil.proto.v1.ProbeRequest proto(ProbeRequest r) {
        return dev.vigil.proto.v1.ProbeRequest.newBuilder().setGroup(r.group().value()).setWatcher(r.watcher().value())
                .setNode(r.node().value()).setConfigEpoch(r.configEpoch()).setPrimary(str(r.primary()))
                .setVouchTerm(r.vouchTerm()).setAckIncarnation(r.ackIncarnation()).setAckStamp(r.ackStamp()).setTerm(r.term())
                .setConfigFingerprint(r.fingerprint()).build();
    }

    public static ProbeRequest domain(dev.vigil.proto.v1.ProbeRequest m) {
        return new ProbeRequest(group(m.getGroup()), watcher("watcher", m.getWatcher()), node("node", m.getNode()),
                term("config_epoch", m.getConfigEpoch()), nodeOrNull(m.getPrimary()), term("vouch_term", m.getVouchTerm()),
                m.getAckIncarnation(), m.getAckStamp(), term("term", m.getTerm()), fingerprint(m.getConfigFingerprint()));
    }

    public static dev.vigil.proto.v1.ProbeReply proto(ProbeReply r) {
        return dev.vigil.proto.v1.ProbeReply.newBuilder().setGroup(r.group().value()).setNode(r.node().value())
                .setServing(r.serving()).setStamp(r.stamp()).setConfigEpoch(r.configEpoch()).setPrimary(str(r.primary()))
                .setHighestTerm(r.highestTerm()).setHoldsIp(r.holdsIp()).setIncarnation(r.incarnation())
                .setConfigFingerprint(r.fingerprint()).build();
    }

    public static ProbeReply domain(dev.vigil.proto.v1.ProbeReply m) {
        return new ProbeReply(group(m.getGroup()), node("node", m.getNode()), m.getServing(), m.getIncarnation(),
                m.getStamp(),
                term("config_epoch", m.getConfigEpoch()), nodeOrNull(m.getPrimary()), term("highest_term", m.getHighestTerm()),
                m.getHoldsIp(), fingerprint(m.getConfigFingerprint()));
    }

    static dev.vigil.proto.v1.PromoteRequest proto(PromoteRequest r) {
        return dev.vigil.proto.v1.PromoteRequest.newBuilder().setGroup(r.group().value()).setNode(r.node().value())
                .setTerm(r.term()).setLeader(r.leader().value()).setOldPrimary(str(r.oldPrimary()))
                .setConfigFingerprint(r.fingerprint()).build();
    }

    static PromoteRequest domain(dev.vigil.proto.v1.PromoteRequest m) {
        return new PromoteRequest(group(m.getGroup()), node("node", m.getNode()), term("term", m.getTerm()),
                watcher("leader", m.getLeader()), nodeOrNull(m.getOldPrimary()), fingerprint(m.getConfigFingerprint()));
    }

    static dev.vigil.proto.v1.ReleaseRequest proto(ReleaseRequest r) {
        return dev.vigil.proto.v1.ReleaseRequest.newBuilder().setGroup(r.group().value()).setNode(r.node().value())
                .setTerm(r.term()).setLeader(r.leader().value()).setDemote(r.demote())
                .setConfigFingerprint(r.fingerprint()).build();
    }

    static ReleaseRequest domain(dev.vigil.proto.v1.ReleaseRequest m) {
        return new ReleaseRequest(group(m.getGroup()), node("node", m.getNode()), term("term", m.getTerm()),
                watcher("leader", m.getLeader()), m.getDemote(), fingerprint(m.getConfigFingerprint()));
    }

    static dev.vigil.proto.v1.AgentReply proto(AgentReply r) {
        var o = switch (r.outcome()) {
            case OK -> dev.vigil.proto.v1.AgentReply.Outcome.OK;
            case STALE_TERM -> dev.vigil.proto.v1.AgentReply.Outcome.STALE_TERM;
            case RETRYABLE -> dev.vigil.proto.v1.AgentReply.Outcome.RETRYABLE;
            case PERMANENT -> dev.vigil.proto.v1.AgentReply.Outcome.PERMANENT;
        };
        return dev.vigil.proto.v1.AgentReply.newBuilder().setOutcome(o).setReason(str(r.reason()))
                .setHighestTerm(r.highestTerm()).build();
    }

    static AgentReply domain(dev.vigil.proto.v1.AgentReply m) {
        var o = switch (m.getOutcome()) {
            case OK -> AgentReply.Outcome.OK;
            case STALE_TERM -> AgentReply.Outcome.STALE_TERM;
            case PERMANENT -> AgentReply.Outcome.PERMANENT;
            default -> AgentReply.Outcome.RETRYABLE;
        };
        return new AgentReply(o, m.getReason(), term("highest_term", m.getHighestTerm()));
    }

    // ---- rehearsal ------------------------------------------------------------------------

    /**
     * Sends each message of a failover (RequestVote and its reply, Promote, Release, every agent
     * reply) through its conversions and its wire form once, so that a daemon loads and links
     * that code at start rather than in its first failover. Touches nothing else.
     */
    public static void rehearse() throws com.google.protobuf.InvalidProtocolBufferException {
        var g = new GroupId("rehearsal");
        var w = new WatcherId("w1");
        var n = new NodeId("n1");
        domain(dev.vigil.proto.v1.VoteRequest.parseFrom(proto(new VoteRequest(g, w, 1, 1, true, n, "0123456789ab")).toByteArray()));
        domain(dev.vigil.proto.v1.VoteReply.parseFrom(proto(new VoteReply(g, w, 1, true, "rehearsal", "0123456789ab")).toByteArray()));
        domain(dev.vigil.proto.v1.PromoteRequest.parseFrom(proto(new PromoteRequest(g, n, 1, w, n, "0123456789ab")).toByteArray()));
        domain(dev.vigil.proto.v1.ReleaseRequest.parseFrom(proto(new ReleaseRequest(g, n, 1, w, true, "0123456789ab")).toByteArray()));
        for (AgentReply.Outcome o : AgentReply.Outcome.values()) {
            domain(dev.vigil.proto.v1.AgentReply.parseFrom(proto(new AgentReply(o, "rehearsal", 1)).toByteArray()));
        }
    }
}
