package dev.vigil.transport.udp;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.vigil.agent.Agent;
import dev.vigil.config.ClusterFileKey;
import dev.vigil.core.NodeId;
import dev.vigil.core.ProtocolException;
import dev.vigil.core.WatcherId;
import dev.vigil.proto.v1.CallError;
import dev.vigil.proto.v1.ProbeBatchReply;
import dev.vigil.proto.v1.ProbeBatchRequest;
import dev.vigil.proto.v1.ProbeRequest;
import dev.vigil.proto.v1.ProbeResult;
import dev.vigil.time.Clock;
import dev.vigil.transport.grpc.Convert;
import dev.vigil.transport.udp.Envelope.Drop;
import dev.vigil.transport.udp.Envelope.Kind;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An agent's probe datagrams: each request is authenticated, checked against the sender's replay
 * window and its watcher id on the receive thread, then answered on the core thread exactly as
 * the gRPC ProbeBatch is ({@code Agent.onProbe} per probe, a failed probe as its error), in as
 * many reply datagrams as the answers need, each echoing the request id. Nothing a datagram
 * holds reaches the agent before its MAC, its sequence number and its sender are checked.
 */
public final class UdpAgentListener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger("dev.vigil.udp");

    private final NodeId self;
    private final long incarnation;
    private final Envelope.Hmac key;
    private final Set<String> watchers;
    private final Agent agent;
    private final Executor core;
    private final Drops drops = new Drops("agent");
    private final ReplayWindow window = new ReplayWindow(); // the receive thread's alone
    private final Map<String, AtomicLong> sequences = new ConcurrentHashMap<>();
    private final UdpSocket socket;

    private UdpAgentListener(InetSocketAddress at, NodeId self, long incarnation, ClusterFileKey key,
            Collection<WatcherId> watchers, Agent agent, Executor core, Clock clock) throws IOException {
        this.self = self;
        this.incarnation = incarnation;
        this.key = new Envelope.Hmac(key.bytes());
        this.watchers = watchers.stream().map(WatcherId::value).collect(Collectors.toUnmodifiableSet());
        this.agent = agent;
        this.core = core;
        this.socket = UdpSocket.open(at, "vigil-udp-agent", clock, drops, this::onDatagram);
    }

    /**
     * Listens on {@code at} (the agent's gRPC address: UDP ports are their own namespace) for the
     * probes of {@code watchers}. {@code incarnation} orders this run after the earlier ones
     * ({@link ReplayWindow#incarnation}).
     */
    public static UdpAgentListener start(InetSocketAddress at, NodeId self, long incarnation, ClusterFileKey key,
            Collection<WatcherId> watchers, Agent agent, Executor core, Clock clock) throws IOException {
        UdpAgentListener l = new UdpAgentListener(at, self, incarnation, key, watchers, agent, core, clock);
        log.info("UdpProbesListening node={} address={} port={}", self, at.getHostString(), l.socket.port());
        return l;
    }

    public int port() {
        return socket.port();
    }

    /** Datagrams dropped for {@code why} since start, by reason key (bad-mac, replay, ...). */
    public Map<String, Long> drops() {
        return drops.snapshot().entrySet().stream().collect(Collectors.toMap(e -> e.getKey().key, Map.Entry::getValue));
    }

    private void onDatagram(byte[] buf, int len, SocketAddress from, long arrived) {
        Envelope.Opened o = Envelope.open(buf, len, key);
        if (!o.ok()) {
            drops.count(o.drop(), from, null, len + " bytes");
            return;
        }
        Envelope e = o.envelope();
        if (e.kind() != Kind.PROBE_REQUEST) {
            drops.count(Drop.MALFORMED, from, e.sender(), "a " + e.kind() + " sent to an agent");
            return;
        }
        if (!watchers.contains(e.sender())) {
            drops.count(Drop.UNKNOWN_SENDER, from, e.sender(), "not a watcher of the cluster file");
            return;
        }
        ReplayWindow.Verdict v = window.accept(e.sender(), e.incarnation(), e.sequence());
        if (v != ReplayWindow.Verdict.FRESH) {
            drops.count(v == ReplayWindow.Verdict.REPLAY ? Drop.REPLAY : Drop.OLD_INCARNATION, from, e.sender(),
                    "incarnation=" + Long.toHexString(e.incarnation()) + " sequence=" + e.sequence());
            return;
        }
        ProbeBatchRequest batch;
        try {
            batch = ProbeBatchRequest.parseFrom(e.payload());
        } catch (InvalidProtocolBufferException ex) {
            drops.count(Drop.MALFORMED, from, e.sender(), "payload: " + ex.getMessage());
            return;
        }
        for (ProbeRequest p : batch.getProbesList()) {
            if (!p.getWatcher().equals(e.sender())) {
                drops.count(Drop.INVALID, from, e.sender(), "a probe of watcher '" + p.getWatcher() + "'");
                return;
            }
        }
        try {
            core.execute(() -> answer(e, batch, (InetSocketAddress) from));
        } catch (RejectedExecutionException ex) {
            // shutting down
        }
    }

    /** On the core thread: every probe answered, the results split into datagrams that fit. */
    private void answer(Envelope request, ProbeBatchRequest batch, InetSocketAddress to) {
        List<ProbeResult> results = new ArrayList<>(batch.getProbesCount());
        for (ProbeRequest p : batch.getProbesList()) {
            results.add(result(p, r -> ProbeResult.newBuilder().setReply(Convert.proto(agent.onProbe(Convert.domain(r)))).build()));
        }
        int budget = Envelope.payloadBudget(self.value());
        int first = 0;
        int size = 0;
        var b = ProbeBatchReply.newBuilder();
        for (int i = 0; i < results.size(); i++) {
            int s = CodedOutputStream.computeMessageSize(1, results.get(i));
            if (size + s > budget && b.getResultsCount() > 0) {
                send(request, first, b.build(), to);
                first = i;
                size = 0;
                b = ProbeBatchReply.newBuilder();
            }
            b.addResults(results.get(i));
            size += s;
        }
        send(request, first, b.build(), to); // an empty request (a warm-up) gets an empty reply
    }

    private static ProbeResult result(ProbeRequest p, Function<ProbeRequest, ProbeResult> each) {
        try {
            return each.apply(p);
        } catch (ProtocolException e) {
            String code = switch (e.code()) {
                case UNKNOWN_GROUP, UNKNOWN_NODE -> "NOT_FOUND";
                case INVALID_ARGUMENT -> "INVALID_ARGUMENT";
                case FAILED_PRECONDITION -> "FAILED_PRECONDITION";
            };
            return ProbeResult.newBuilder().setError(CallError.newBuilder().setCode(code).setDescription(e.getMessage())).build();
        } catch (RuntimeException e) {
            log.error("internal error answering a probe datagram", e);
            return ProbeResult.newBuilder().setError(CallError.newBuilder().setCode("INTERNAL").setDescription(e.toString()))
                    .build();
        }
    }

    private void send(Envelope request, int first, ProbeBatchReply reply, InetSocketAddress to) {
        long seq = sequences.computeIfAbsent(request.sender(), w -> new AtomicLong()).incrementAndGet();
        try {
            socket.send(new Envelope(Kind.PROBE_REPLY, self.value(), incarnation, seq, request.requestId(), first,
                    reply.toByteArray()).seal(key), to);
        } catch (IllegalArgumentException e) {
            drops.count(Drop.TOO_BIG, to, self.value(), "reply to " + request.sender() + ": " + e.getMessage());
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
