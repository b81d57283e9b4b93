package dev.vigil.transport.udp;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.vigil.config.ClusterFileKey;
import dev.vigil.core.GroupId;
import dev.vigil.core.NodeId;
import dev.vigil.core.WatcherId;
import dev.vigil.proto.v1.ProbeBatchReply;
import dev.vigil.proto.v1.ProbeBatchRequest;
import dev.vigil.proto.v1.ProbeResult;
import dev.vigil.time.Clock;
import dev.vigil.transport.AgentClient;
import dev.vigil.transport.AgentReply;
import dev.vigil.transport.ProbeRequest;
import dev.vigil.transport.PromoteRequest;
import dev.vigil.transport.ReleaseRequest;
import dev.vigil.transport.grpc.Coalescer;
import dev.vigil.transport.grpc.Convert;
import dev.vigil.transport.udp.Envelope.Drop;
import dev.vigil.transport.udp.Envelope.Kind;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link AgentClient} whose probes travel as datagrams; Promote and Release go to
 * {@code commands} (gRPC). The probes to one agent that fall due together ({@link Coalescer})
 * are packed into as few datagrams as fit, each its own request with a random id that its
 * replies must echo, and each independent of the others: a lost datagram costs the probes in
 * it, and the protocol's re-probe follows as after any miss. A reply counts only from the agent
 * the request went to, before the request's deadline (the longest probe-timeout among its
 * groups), and once: so a recorded reply, replayed, matches nothing. Arrival is stamped on the
 * receive thread with the core's clock; each reply then goes to its prober on the core thread.
 */
public final class UdpAgents implements AgentClient, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger("dev.vigil.udp");
    /** Expired requests are swept from the table no more often than this. */
    private static final long SWEEP_MS = 1_000;

    private record Pending(ProbeRequest request, ProbeCallback reply) {}

    /** One request in flight; its probes are answered by the receive thread only. */
    private static final class Outstanding {
        final NodeId node;
        final List<Pending> probes;
        final long sentAt;
        final long deadline;
        final boolean[] answered;
        final CompletableFuture<String> warmUp;
        int left;

        Outstanding(NodeId node, List<Pending> probes, long sentAt, long deadline, CompletableFuture<String> warmUp) {
            this.node = node;
            this.probes = probes;
            this.sentAt = sentAt;
            this.deadline = deadline;
            this.answered = new boolean[probes.size()];
            this.left = probes.size();
            this.warmUp = warmUp;
        }
    }

    private final Map<NodeId, InetSocketAddress> agents;
    private final Map<String, NodeId> byName;
    private final String self;
    private final long incarnation;
    private final Envelope.Hmac key;
    private final AgentClient commands;
    private final Executor core;
    private final Clock clock;
    private final ToLongFunction<GroupId> probeDeadlineMs;
    private final Coalescer<NodeId, Pending> coalescer;
    private final Drops drops = new Drops("watcher");
    private final ReplayWindow window = new ReplayWindow(); // the receive thread's alone
    private final Map<NodeId, AtomicLong> sequences = new ConcurrentHashMap<>();
    private final Map<Long, Outstanding> outstanding = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final UdpSocket socket;
    private volatile long lastSweep;

    /**
     * Binds a socket on {@code bind} (port 0: any) and probes {@code agents} at their addresses
     * as {@code self}, whose {@code incarnation} orders this run after its earlier ones.
     */
    public UdpAgents(Map<NodeId, InetSocketAddress> agents, WatcherId self, long incarnation, ClusterFileKey key,
            AgentClient commands, Executor core, Clock clock, ToLongFunction<GroupId> probeDeadlineMs,
            InetSocketAddress bind) throws IOException {
        this.agents = Map.copyOf(agents);
        this.byName = agents.keySet().stream().collect(Collectors.toUnmodifiableMap(NodeId::value, n -> n));
        this.self = self.value();
        this.incarnation = incarnation;
        this.key = new Envelope.Hmac(key.bytes());
        this.commands = commands;
        this.core = core;
        this.clock = clock;
        this.probeDeadlineMs = probeDeadlineMs;
        this.coalescer = new Coalescer<>(core, Integer.MAX_VALUE, this::sendBatch);
        this.socket = UdpSocket.open(bind, "vigil-udp-watcher", clock, drops, this::onDatagram);
    }

    /** Datagrams dropped since start, by reason key (bad-mac, replay, late, ...). */
    public Map<String, Long> drops() {
        return drops.snapshot().entrySet().stream().collect(Collectors.toMap(e -> e.getKey().key, Map.Entry::getValue));
    }

    @Override
    public void probe(NodeId node, ProbeRequest request, ProbeCallback reply) {
        if (!agents.containsKey(node)) {
            throw new IllegalArgumentException("no agent " + node + " in the cluster file");
        }
        coalescer.add(node, new Pending(request, reply));
    }

    @Override
    public void promote(NodeId node, PromoteRequest request, Consumer<AgentReply> reply) {
        commands.promote(node, request, reply);
    }

    @Override
    public void release(NodeId node, ReleaseRequest request, Consumer<AgentReply> reply) {
        commands.release(node, request, reply);
    }

    /** Packs the batch into datagrams of at most {@link Envelope#MAX_DATAGRAM} bytes and sends each. */
    private void sendBatch(NodeId node, List<Pending> batch) {
        sweep();
        int budget = Envelope.payloadBudget(self);
        List<Pending> chunk = new ArrayList<>();
        var b = ProbeBatchRequest.newBuilder();
        int size = 0;
        for (Pending p : batch) {
            var m = Convert.proto(p.request());
            int s = CodedOutputStream.computeMessageSize(1, m);
            if (size + s > budget && !chunk.isEmpty()) {
                send(node, chunk, b.build(), deadline(chunk), null);
                chunk = new ArrayList<>();
                b = ProbeBatchRequest.newBuilder();
                size = 0;
            }
            chunk.add(p);
            b.addProbes(m);
            size += s;
        }
        if (!chunk.isEmpty()) {
            send(node, chunk, b.build(), deadline(chunk), null);
        }
    }

    private long deadline(List<Pending> probes) {
        return probes.stream().mapToLong(p -> probeDeadlineMs.applyAsLong(p.request().group())).max().orElse(1_000);
    }

    private void send(NodeId node, List<Pending> probes, ProbeBatchRequest payload, long deadlineMs,
            CompletableFuture<String> warmUp) {
        long id;
        do {
            id = random.nextLong();
        } while (id == 0 || outstanding.containsKey(id));
        long now = clock.nowMillis();
        long seq = sequences.computeIfAbsent(node, n -> new AtomicLong()).incrementAndGet();
        byte[] datagram;
        try {
            datagram = new Envelope(Kind.PROBE_REQUEST, self, incarnation, seq, id, 0, payload.toByteArray()).seal(key);
        } catch (IllegalArgumentException e) {
            drops.count(Drop.TOO_BIG, agents.get(node), self, "probe of " + node + ": " + e.getMessage());
            return;
        }
        outstanding.put(id, new Outstanding(node, probes, now, now + deadlineMs, warmUp));
        socket.send(datagram, agents.get(node));
    }

    /** Forgets requests whose deadline has passed: their replies would be late anyway. */
    private void sweep() {
        long now = clock.nowMillis();
        if (now - lastSweep < SWEEP_MS) {
            return;
        }
        lastSweep = now;
        outstanding.values().removeIf(o -> o.deadline < now);
    }

    private void onDatagram(byte[] buf, int len, SocketAddress from, long arrived) {
        Envelope.Opened o = Envelope.open(buf, len, key);
        if (!o.ok()) {
            drops.count(o.drop(), from, null, len + " bytes");
            return;
        }
        Envelope e = o.envelope();
        if (e.kind() != Kind.PROBE_REPLY) {
            drops.count(Drop.MALFORMED, from, e.sender(), "a " + e.kind() + " sent to a watcher");
            return;
        }
        NodeId node = byName.get(e.sender());
        if (node == null) {
            drops.count(Drop.UNKNOWN_SENDER, from, e.sender(), "not an agent of the cluster file");
            return;
        }
        ReplayWindow.Verdict v = window.accept(e.sender(), e.incarnation(), e.sequence());
        if (v != ReplayWindow.Verdict.FRESH) {
            drops.count(v == ReplayWindow.Verdict.REPLAY ? Drop.REPLAY : Drop.OLD_INCARNATION, from, e.sender(),
                    "incarnation=" + Long.toHexString(e.incarnation()) + " sequence=" + e.sequence());
            return;
        }
        Outstanding out = outstanding.get(e.requestId());
        if (out == null || !out.node.equals(node)) {
            drops.count(Drop.UNSOLICITED, from, e.sender(), "no request " + Long.toHexString(e.requestId()) + " to it");
            return;
        }
        if (arrived > out.deadline) {
            outstanding.remove(e.requestId());
            drops.count(Drop.LATE, from, e.sender(), (arrived - out.sentAt) + " ms after its request");
            return;
        }
        ProbeBatchReply reply;
        try {
            reply = ProbeBatchReply.parseFrom(e.payload());
        } catch (InvalidProtocolBufferException ex) {
            drops.count(Drop.MALFORMED, from, e.sender(), "payload: " + ex.getMessage());
            return;
        }
        if (e.first() + reply.getResultsCount() > out.probes.size()) {
            drops.count(Drop.INVALID, from, e.sender(), "results " + e.first() + "+" + reply.getResultsCount() + " for "
                    + out.probes.size() + " probes");
            return;
        }
        if (out.warmUp != null) {
            outstanding.remove(e.requestId());
            out.warmUp.complete("agent " + node + " answered over udp in " + (arrived - out.sentAt) + " ms");
            return;
        }
        List<Runnable> deliveries = new ArrayList<>(reply.getResultsCount());
        for (int i = 0; i < reply.getResultsCount(); i++) {
            int at = e.first() + i;
            if (out.answered[at]) {
                continue;
            }
            out.answered[at] = true;
            out.left--;
            deliveries.add(deliver(node, out.probes.get(at), reply.getResults(i), arrived));
        }
        if (out.left == 0) {
            outstanding.remove(e.requestId());
        }
        try {
            core.execute(() -> deliveries.forEach(Runnable::run));
        } catch (RejectedExecutionException ex) {
            // shutting down: nothing will read the replies
        }
    }

    private Runnable deliver(NodeId node, Pending p, ProbeResult r, long arrived) {
        return () -> {
            if (r.hasError()) {
                log.warn("ProbeRefused agent={} group={} code={} description=\"{}\"", node, p.request().group(),
                        r.getError().getCode(), r.getError().getDescription());
                return;
            }
            try {
                p.reply().reply(Convert.domain(r.getReply()), arrived);
            } catch (RuntimeException ex) {
                log.warn("ProbeReplyInvalid agent={} group={} reason=\"{}\"", node, p.request().group(), ex.getMessage());
            }
        };
    }

    /**
     * One empty request to every agent, each done when answered or after {@code maxMs}: the first
     * datagrams pay for class loading on both sides, and a probe that paid for it would count as
     * silence.
     */
    public List<CompletableFuture<String>> warmUp(long maxMs) {
        return agents.keySet().stream().map(node -> {
            var f = new CompletableFuture<String>();
            send(node, List.of(), ProbeBatchRequest.getDefaultInstance(), maxMs, f);
            return f.completeOnTimeout("agent " + node + " no answer over udp within " + maxMs + " ms", maxMs,
                    TimeUnit.MILLISECONDS);
        }).toList();
    }

    @Override
    public void close() {
        socket.close();
    }
}
