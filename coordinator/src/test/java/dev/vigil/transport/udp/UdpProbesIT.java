package dev.vigil.transport.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.agent.Agent;
import dev.vigil.agent.FencingRule;
import dev.vigil.config.ClusterConfig;
import dev.vigil.config.ClusterFileKey;
import dev.vigil.config.GroupConfig;
import dev.vigil.config.NodeConfig;
import dev.vigil.config.Timings;
import dev.vigil.core.GroupId;
import dev.vigil.core.NodeId;
import dev.vigil.core.WatcherId;
import dev.vigil.failover.HookResult;
import dev.vigil.store.AgentState;
import dev.vigil.store.MemoryStateStore;
import dev.vigil.time.SystemScheduler;
import dev.vigil.transport.AgentClient;
import dev.vigil.transport.AgentReply;
import dev.vigil.transport.ProbeReply;
import dev.vigil.transport.ProbeRequest;
import dev.vigil.transport.PromoteRequest;
import dev.vigil.transport.ReleaseRequest;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Probe datagrams over real UDP sockets on 127.0.0.1: a watcher's {@link UdpAgents} probes a
 * real {@link Agent} behind a {@link UdpAgentListener}, through a relay in the test that loses
 * or duplicates the datagrams it is told to.
 */
class UdpProbesIT {
    private static final GroupId WEB = new GroupId("web");
    private static final NodeId N1 = new NodeId("n1");
    private static final WatcherId W1 = new WatcherId("w1");
    private static final ClusterConfig CLUSTER = new ClusterConfig(List.of(W1, new WatcherId("w2"), new WatcherId("w3")),
            List.of(new GroupConfig(WEB, List.of(new NodeConfig(N1, 100), new NodeConfig(new NodeId("n2"), 50)), N1,
                    Timings.defaults(), 2)));
    private static final ClusterFileKey KEY = ClusterFileKey.of("0123456789abcdef0123456789abcdef".getBytes());
    private static final AgentClient NO_COMMANDS = new AgentClient() {
        @Override
        public void probe(NodeId node, ProbeRequest request, ProbeCallback reply) {}

        @Override
        public void promote(NodeId node, PromoteRequest request, Consumer<AgentReply> reply) {}

        @Override
        public void release(NodeId node, ReleaseRequest request, Consumer<AgentReply> reply) {}
    };

    private final SystemScheduler agentCore = new SystemScheduler();
    private final SystemScheduler watcherCore = new SystemScheduler();
    private final List<AutoCloseable> open = new ArrayList<>();
    private UdpAgentListener listener;

    @AfterEach
    void close() throws Exception {
        Collections.reverse(open);
        for (AutoCloseable c : open) {
            c.close();
        }
        agentCore.close();
        watcherCore.close();
    }

    private void startAgent() throws Exception {
        var store = new MemoryStateStore<AgentState>();
        store.save(WEB, new AgentState(0, 0, N1, true));
        var agent = new Agent(N1, CLUSTER, agentCore, (call, done) -> agentCore.execute(() -> done.accept(HookResult.OK)),
                store, e -> {}, FencingRule.STANDARD, 42);
        agentCore.execute(agent::start);
        listener = UdpAgentListener.start(new InetSocketAddress("127.0.0.1", 0), N1, 7, KEY, CLUSTER.watchers(), agent,
                agentCore, agentCore);
        open.add(listener);
    }

    private UdpAgents watcher(WatcherId id, ClusterFileKey key, int agentPort) throws Exception {
        var w = new UdpAgents(Map.of(N1, new InetSocketAddress("127.0.0.1", agentPort)), id, 9, key, NO_COMMANDS,
                watcherCore, watcherCore, g -> 500L, new InetSocketAddress("127.0.0.1", 0));
        open.add(w);
        return w;
    }

    private static ProbeRequest probe(WatcherId w) {
        return new ProbeRequest(WEB, w, N1, 0, N1, 0, 0, 0, 0, CLUSTER.fingerprint(WEB));
    }

    @Test
    void aLostReplyCostsOnlyItsOwnProbe() throws Exception {
        startAgent();
        var relay = new Relay(listener.port(), n -> false, n -> n == 1);
        open.add(relay);
        UdpAgents w = watcher(W1, KEY, relay.port());
        List<ProbeReply> first = Collections.synchronizedList(new ArrayList<>());
        List<ProbeReply> second = Collections.synchronizedList(new ArrayList<>());
        w.probe(N1, probe(W1), (r, at) -> first.add(r));
        await("the first request reached the relay", () -> relay.requests.get() == 1);
        long sent = watcherCore.nowMillis();
        long[] arrived = new long[1];
        w.probe(N1, probe(W1), (r, at) -> {
            arrived[0] = at;
            second.add(r);
        });
        await("the second probe is answered", () -> second.size() == 1);
        assertEquals(N1, second.get(0).node());
        assertTrue(second.get(0).serving());
        assertTrue(arrived[0] >= sent && arrived[0] - sent < 500, "answered within probe-timeout: " + (arrived[0] - sent));
        Thread.sleep(300);
        assertEquals(List.of(), first, "the lost reply's probe goes unanswered, and only it");
        assertEquals(2, relay.replies.get());
    }

    @Test
    void aBatchSpansSeveralDatagramsEachWayAndEveryProbeIsAnswered() throws Exception {
        startAgent();
        var relay = new Relay(listener.port(), n -> false, n -> false);
        open.add(relay);
        UdpAgents w = watcher(W1, KEY, relay.port());
        var answered = new AtomicInteger();
        watcherCore.execute(() -> { // one core task: the probes fall due together and travel as one batch
            for (int i = 0; i < 100; i++) {
                w.probe(N1, probe(W1), (r, at) -> answered.incrementAndGet());
            }
        });
        await("all 100 answered", () -> answered.get() == 100);
        assertTrue(relay.requests.get() >= 3, "100 probes do not fit one datagram: " + relay.requests.get());
        assertTrue(relay.replies.get() >= 3, "nor do their replies: " + relay.replies.get());
        assertTrue(relay.largest <= Envelope.MAX_DATAGRAM, "largest datagram " + relay.largest);
    }

    @Test
    void replayedDatagramsAreDroppedAndCountedOnBothSides() throws Exception {
        startAgent();
        var relay = new Relay(listener.port(), n -> false, n -> false);
        open.add(relay);
        relay.duplicate = true;
        UdpAgents w = watcher(W1, KEY, relay.port());
        var answered = new AtomicInteger();
        w.probe(N1, probe(W1), (r, at) -> answered.incrementAndGet());
        await("the agent dropped the replayed request", () -> listener.drops().get("replay") == 1);
        await("the watcher dropped the replayed reply", () -> w.drops().get("replay") == 1);
        Thread.sleep(100);
        assertEquals(1, answered.get(), "one answer, once");
    }

    @Test
    void aForeignKeyIsABadMacAndAnUnknownSenderIsRefused() throws Exception {
        startAgent();
        var answered = new AtomicInteger();
        UdpAgents forger = watcher(W1, ClusterFileKey.of("another cluster's key of 32 bytes".getBytes()), listener.port());
        forger.probe(N1, probe(W1), (r, at) -> answered.incrementAndGet());
        await("bad MAC counted", () -> listener.drops().get("bad-mac") == 1);
        UdpAgents stranger = watcher(new WatcherId("w9"), KEY, listener.port());
        stranger.probe(N1, probe(new WatcherId("w9")), (r, at) -> answered.incrementAndGet());
        await("unknown sender counted", () -> listener.drops().get("unknown-sender") == 1);
        Thread.sleep(200);
        assertEquals(0, answered.get());
    }

    private static void await(String what, BooleanSupplier done) throws InterruptedException {
        long end = System.nanoTime() + 5_000_000_000L;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out: " + what);
            }
            Thread.sleep(5);
        }
    }

    /** Forwards datagrams between one watcher and the agent, losing the n-th of a direction when told to. */
    private static final class Relay implements AutoCloseable {
        final DatagramSocket socket;
        final AtomicInteger requests = new AtomicInteger();
        final AtomicInteger replies = new AtomicInteger();
        volatile boolean duplicate;
        volatile int largest;
        private final Thread thread;

        Relay(int agentPort, IntPredicate loseRequest, IntPredicate loseReply) throws Exception {
            socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
            var agent = new InetSocketAddress(InetAddress.getLoopbackAddress(), agentPort);
            thread = new Thread(() -> {
                SocketAddress client = null;
                byte[] buf = new byte[65_536];
                while (!socket.isClosed()) {
                    try {
                        var p = new DatagramPacket(buf, buf.length);
                        socket.receive(p);
                        largest = Math.max(largest, p.getLength());
                        boolean fromAgent = p.getSocketAddress().equals(agent);
                        if (!fromAgent) {
                            client = p.getSocketAddress();
                        }
                        int n = (fromAgent ? replies : requests).incrementAndGet();
                        if ((fromAgent ? loseReply : loseRequest).test(n) || (fromAgent && client == null)) {
                            continue;
                        }
                        var out = new DatagramPacket(p.getData(), p.getLength(), fromAgent ? client : agent);
                        socket.send(out);
                        if (duplicate) {
                            socket.send(out);
                        }
                    } catch (Exception e) {
                        return;
                    }
                }
            }, "relay");
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() {
            socket.close();
        }
    }
}
