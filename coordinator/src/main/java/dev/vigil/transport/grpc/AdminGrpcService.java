package dev.vigil.transport.grpc;

import dev.vigil.config.ClusterConfig;
import dev.vigil.config.GroupConfig;
import dev.vigil.config.NodeConfig;
import dev.vigil.core.Event;
import dev.vigil.core.ProtocolException;
import dev.vigil.core.WatcherId;
import dev.vigil.node.EventLog;
import dev.vigil.proto.v1.AdminServiceGrpc;
import dev.vigil.proto.v1.CheckQuorumReply;
import dev.vigil.proto.v1.CheckQuorumRequest;
import dev.vigil.proto.v1.EventMsg;
import dev.vigil.proto.v1.EventsRequest;
import dev.vigil.proto.v1.FailoverReply;
import dev.vigil.proto.v1.FailoverRequest;
import dev.vigil.proto.v1.ConfigPeer;
import dev.vigil.proto.v1.GroupStatus;
import dev.vigil.proto.v1.StatusReply;
import dev.vigil.proto.v1.StatusRequest;
import dev.vigil.watcher.Watcher;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import dev.vigil.time.TimerLag;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** A watcher's AdminService, for the operator's CLI: status, failover, events, ckquorum. */
public final class AdminGrpcService extends AdminServiceGrpc.AdminServiceImplBase {
    private final WatcherId self;
    private final Watcher watcher;
    private final ClusterConfig cluster;
    private final Executor core;
    private final EventLog events;
    private final GrpcPeers peers;
    private final Supplier<TimerLag.Snapshot> timerLag;

    public AdminGrpcService(WatcherId self, Watcher watcher, ClusterConfig cluster, Executor core, EventLog events,
            GrpcPeers peers, Supplier<TimerLag.Snapshot> timerLag) {
        this.self = self;
        this.watcher = watcher;
        this.cluster = cluster;
        this.core = core;
        this.events = events;
        this.peers = peers;
        this.timerLag = timerLag;
    }

    @Override
    public void status(StatusRequest request, StreamObserver<StatusReply> out) {
        Calls.unary(core, out, () -> {
            String only = request.getGroup();
            if (!only.isEmpty()) {
                group(only);
            }
            var b = StatusReply.newBuilder().setWatcher(self.value()).setTimerLag(Convert.proto(timerLag.get()));
            if (request.getSummary()) {
                return b.build();
            }
            for (var g : watcher.status()) {
                if (!only.isEmpty() && !g.group().value().equals(only)) {
                    continue;
                }
                var s = GroupStatus.newBuilder().setGroup(g.group().value()).setPrimary(g.primary().value())
                        .setTerm(g.term()).setConfigEpoch(g.configEpoch()).setSdown(g.sdown()).setOdown(g.odown())
                        .setLastLeader(Convert.str(g.lastLeader())).setRunningTerm(g.runningTerm())
                        .setSinceFailoverMs(g.sinceFailoverMs()).setLastFailoverTookMs(g.lastFailoverTookMs())
                        .setTilt(watcher.tilt()).setLearning(Convert.str(g.learning()));
                for (NodeConfig n : group(g.group().value()).nodes()) {
                    if (!n.id().equals(g.primary())) {
                        s.addStandbys(n.id().value());
                    }
                }
                g.silentMs().forEach((n, ms) -> s.putSilentMs(n.value(), ms));
                s.setConfigFingerprint(g.fingerprint());
                g.configPeers().forEach(p -> s.addConfigPeers(ConfigPeer.newBuilder().setKind(p.kind()).setId(p.id())
                        .setConfigFingerprint(p.fingerprint()).setMismatched(p.mismatched())));
                b.addGroups(s);
            }
            return b.build();
        });
    }

    @Override
    public void failover(FailoverRequest request, StreamObserver<FailoverReply> out) {
        // A step-down moves the caller's own role away: under TLS only that node may ask for it.
        if (!request.getFrom().isEmpty() && !Calls.authorized(out, request.getFrom())) {
            return;
        }
        Calls.unary(core, out, () -> {
            GroupConfig g = group(request.getGroup());
            long term = watcher.requestFailover(g.id(), Convert.nodeOrNull(request.getTo()), request.getForce(),
                    Convert.nodeOrNull(request.getFrom()));
            String how = request.getForce() ? "FORCED failover without election in term "
                    : !request.getFrom().isEmpty() ? request.getFrom() + " steps down: election started in term "
                    : "election started in term ";
            return FailoverReply.newBuilder().setAccepted(true).setTerm(term).setReason(how + term).build();
        });
    }

    @Override
    public void events(EventsRequest request, StreamObserver<EventMsg> out) {
        var call = (ServerCallStreamObserver<EventMsg>) out;
        Runnable stop;
        synchronized (call) {
            for (EventLog.Entry e : events.recent()) {
                call.onNext(msg(e));
            }
            if (!request.getFollow()) {
                call.onCompleted();
                return;
            }
            stop = events.follow(e -> {
                synchronized (call) {
                    if (!call.isCancelled()) {
                        call.onNext(msg(e));
                    }
                }
            });
        }
        call.setOnCancelHandler(stop);
    }

    @Override
    public void checkQuorum(CheckQuorumRequest request, StreamObserver<CheckQuorumReply> out) {
        GroupConfig g;
        try {
            g = group(request.getGroup());
        } catch (ProtocolException e) {
            out.onError(Calls.status(e));
            return;
        }
        int needed = cluster.votesNeeded(g);
        List<WatcherId> others = cluster.watchers().stream().filter(w -> !w.equals(self)).toList();
        AtomicInteger reachable = new AtomicInteger(1);
        AtomicInteger pending = new AtomicInteger(others.size());
        Runnable finish = () -> {
            int r = reachable.get();
            boolean ok = r >= needed;
            out.onNext(CheckQuorumReply.newBuilder().setOk(ok).setReachable(r).setNeeded(needed)
                    .setReason(ok ? "OK " + r + " watchers reachable, " + needed + " needed to fail " + g.id() + " over"
                            : "NOQUORUM only " + r + " watchers reachable, " + needed + " needed")
                    .build());
            out.onCompleted();
        };
        if (others.isEmpty()) {
            finish.run();
            return;
        }
        for (WatcherId w : others) {
            peers.admin(w).status(StatusRequest.newBuilder().setGroup(g.id().value()).build(), new StreamObserver<>() {
                @Override
                public void onNext(StatusReply value) {
                    reachable.incrementAndGet();
                }

                @Override
                public void onError(Throwable t) {
                    if (pending.decrementAndGet() == 0) {
                        finish.run();
                    }
                }

                @Override
                public void onCompleted() {
                    if (pending.decrementAndGet() == 0) {
                        finish.run();
                    }
                }
            });
        }
    }

    private GroupConfig group(String id) {
        return cluster.group(Convert.group(id)).orElseThrow(
                () -> new ProtocolException(ProtocolException.Code.UNKNOWN_GROUP, "unknown group " + id));
    }

    static EventMsg msg(EventLog.Entry entry) {
        Event e = entry.event();
        var fields = e.fields();
        var b = EventMsg.newBuilder().setAtMs(entry.wallMs()).setType(e.getClass().getSimpleName())
                .setGroup(e.group() == null ? "" : e.group().value()).putAllFields(fields);
        if (fields.containsKey("term")) {
            b.setTerm(Long.parseLong(fields.get("term")));
        }
        b.setNode(fields.getOrDefault("node", fields.getOrDefault("watcher", "")));
        b.setReason(fields.getOrDefault("reason", ""));
        return b.build();
    }

}
