package dev.vigil.transport.grpc;

import dev.vigil.proto.v1.AdminServiceGrpc;
import dev.vigil.proto.v1.CheckQuorumRequest;
import dev.vigil.proto.v1.EventMsg;
import dev.vigil.proto.v1.EventsRequest;
import dev.vigil.proto.v1.FailoverRequest;
import dev.vigil.proto.v1.StatusRequest;
import dev.vigil.time.TimerLag;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The operator CLI's side of AdminService (and a stopping agent's step-down), in plain Java types so the
 * callers need no protobuf.
 * Errors come back as {@link AdminException} with the gRPC code and the server's description.
 */
public final class AdminClient implements AutoCloseable {
    /**
     * One watcher's view of one group, with its config fingerprint of the group ("" from a version
     * without) and the peers and agents that have sent it another.
     */
    public record GroupView(String watcher, String group, String primary, List<String> standbys, long term,
            long configEpoch, boolean sdown, boolean odown, String lastLeader, long runningTerm, long sinceFailoverMs,
            long lastFailoverTookMs, Map<String, Long> silentMs, boolean tilt, String fingerprint,
            List<ConfigPeerView> configPeers, String learning) {}

    /** A watcher or agent that sent another fingerprint: what it sent last and how many messages did. */
    public record ConfigPeerView(String kind, String id, String fingerprint, long mismatched) {}

    /** One event as the watcher logged it. */
    public record EventView(long atMs, String type, Map<String, String> fields) {}

    public record QuorumView(boolean ok, int reachable, int needed, String reason) {}

    /** A refused or failed admin call: the status code (e.g. NOT_FOUND, UNAVAILABLE) and why. */
    public static final class AdminException extends RuntimeException {
        private final String code;

        AdminException(StatusRuntimeException e) {
            super(e.getStatus().getCode() + ": " + e.getStatus().getDescription(), e, false, false);
            this.code = e.getStatus().getCode().name();
        }

        public String code() {
            return code;
        }
    }

    private static final long DEADLINE_MS = 3_000;
    private final ManagedChannel channel;
    private final String target;

    /** {@code expectedId}: the watcher's id, checked against its certificate under TLS. */
    public AdminClient(Endpoint at, String expectedId, TlsFiles tls) {
        var b = Grpc.newChannelBuilderForAddress(at.host(), at.port(), TlsFiles.client(tls));
        if (tls != null) {
            b.overrideAuthority(expectedId);
        }
        this.channel = b.build();
        this.target = expectedId + " at " + at;
    }

    public String target() {
        return target;
    }

    private AdminServiceGrpc.AdminServiceBlockingStub stub() {
        return AdminServiceGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_MS, TimeUnit.MILLISECONDS);
    }

    public List<GroupView> status(String group) {
        try {
            var reply = stub().status(StatusRequest.newBuilder().setGroup(group == null ? "" : group).build());
            List<GroupView> out = new ArrayList<>();
            for (var g : reply.getGroupsList()) {
                out.add(new GroupView(reply.getWatcher(), g.getGroup(), g.getPrimary(), g.getStandbysList(), g.getTerm(),
                        g.getConfigEpoch(), g.getSdown(), g.getOdown(), g.getLastLeader(), g.getRunningTerm(),
                        g.getSinceFailoverMs(), g.getLastFailoverTookMs(), g.getSilentMsMap(), g.getTilt(),
                        g.getConfigFingerprint(), g.getConfigPeersList().stream().map(p -> new ConfigPeerView(p.getKind(),
                                p.getId(), p.getConfigFingerprint(), p.getMismatched())).toList(), g.getLearning()));
            }
            return out;
        } catch (StatusRuntimeException e) {
            throw new AdminException(e);
        }
    }

    /** How late the watcher's timers have started since it did; null from a watcher that does not say. */
    public TimerLag.Snapshot timerLag() {
        try {
            return Convert.domain(stub().status(StatusRequest.newBuilder().setSummary(true).build()).getTimerLag());
        } catch (StatusRuntimeException e) {
            throw new AdminException(e);
        }
    }

    /** Starts a failover; returns the term it runs in. */
    public long failover(String group, String to, boolean force) {
        try {
            return stub().failover(FailoverRequest.newBuilder().setGroup(group).setTo(to == null ? "" : to)
                    .setForce(force).build()).getTerm();
        } catch (StatusRuntimeException e) {
            throw new AdminException(e);
        }
    }

    /**
     * Asks for a switchover of {@code group} away from {@code node}, to the best standby, refused
     * unless the watcher sees {@code node} as the primary; returns the term it runs in.
     */
    public long stepDown(String group, String node, long deadlineMs) {
        try {
            return AdminServiceGrpc.newBlockingStub(channel).withDeadlineAfter(deadlineMs, TimeUnit.MILLISECONDS)
                    .failover(FailoverRequest.newBuilder().setGroup(group).setFrom(node).build()).getTerm();
        } catch (StatusRuntimeException e) {
            throw new AdminException(e);
        }
    }

    public QuorumView checkQuorum(String group) {
        try {
            var r = stub().checkQuorum(CheckQuorumRequest.newBuilder().setGroup(group).build());
            return new QuorumView(r.getOk(), r.getReachable(), r.getNeeded(), r.getReason());
        } catch (StatusRuntimeException e) {
            throw new AdminException(e);
        }
    }

    /** The recent events, then (with {@code follow}) every new one until the stream ends. */
    public void events(boolean follow, Consumer<EventView> each) {
        try {
            var s = AdminServiceGrpc.newBlockingStub(channel);
            if (!follow) {
                s = s.withDeadlineAfter(DEADLINE_MS, TimeUnit.MILLISECONDS);
            }
            Iterator<EventMsg> it = s.events(EventsRequest.newBuilder().setFollow(follow).build());
            while (it.hasNext()) {
                EventMsg m = it.next();
                each.accept(new EventView(m.getAtMs(), m.getType(), m.getFieldsMap()));
            }
        } catch (StatusRuntimeException e) {
            throw new AdminException(e);
        }
    }

    @Override
    public void close() {
        channel.shutdownNow();
    }

}
