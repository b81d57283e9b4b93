package dev.vigil.node;

import dev.vigil.agent.Agent;
import dev.vigil.core.Event;
import dev.vigil.core.EventSink;
import dev.vigil.core.GroupId;
import dev.vigil.core.NodeId;
import dev.vigil.time.SystemScheduler;
import dev.vigil.transport.ProbeReply;
import dev.vigil.transport.grpc.AdminClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * How an agent stops (DESIGN.md 1, "stopping is a handover"). For each group this node is the
 * primary of, it asks the watchers, in cluster-file order until one accepts, for a switchover
 * away from itself: the manual path, in graceful order (the leader demotes and releases this
 * node, then promotes the best standby). It waits until the leader's release is done, at most
 * the stop timeout, and not at all when no watcher accepted. Then, whatever the handover
 * achieved, {@link Agent#leave} lets go of every IP that may still be here through the release
 * hook, waited for at most the hook timeout and its kill grace: the agent never exits on purpose
 * still holding the IP. A standby has nothing to hand over and just goes. Each group's outcome
 * is logged as {@link Event.AgentStopped}.
 *
 * <p>Runs on the caller's thread (the JVM's shutdown hook) and touches the agent only through
 * tasks on its core thread, while the agent keeps serving: the leader's Release reaches it there.
 */
final class AgentStop {
    private static final long POLL_MS = 10;
    /** One admin call's deadline, also cut to the time left. */
    private static final long CALL_MS = 2_000;

    private record Ask(boolean accepted, String how) {}

    private final NodeId self;
    private final Agent agent;
    private final SystemScheduler core;
    private final EventSink sink;
    private final Supplier<List<AdminClient>> watchers;
    private final long releaseMs;
    private volatile boolean hurry;

    /** {@code releaseMs}: how long the release hooks may take (the hook timeout and its kill grace). */
    AgentStop(NodeId self, Agent agent, SystemScheduler core, EventSink sink, Supplier<List<AdminClient>> watchers,
            long releaseMs) {
        this.self = self;
        this.agent = agent;
        this.core = core;
        this.sink = sink;
        this.watchers = watchers;
        this.releaseMs = releaseMs;
    }

    /** Cuts the wait for the handover short (a second SIGTERM): the release follows at once. */
    void hurry() {
        hurry = true;
    }

    /** Hands over, lets go, logs; returns once nothing may be held here or the time is up. */
    void run(long stopTimeoutMs) {
        long start = core.nowMillis();
        List<GroupId> primaries = onCore(agent::primaryOf);
        Map<GroupId, Ask> asked = new LinkedHashMap<>();
        if (!primaries.isEmpty()) {
            List<AdminClient> clients = watchers.get();
            try {
                for (GroupId g : primaries) {
                    asked.put(g, ask(clients, g, term(g), start + stopTimeoutMs));
                }
            } finally {
                clients.forEach(AdminClient::close);
            }
        }
        Map<GroupId, Long> gone = new HashMap<>();
        List<GroupId> handedOver = asked.entrySet().stream().filter(e -> e.getValue().accepted()).map(Map.Entry::getKey)
                .toList();
        await(start + stopTimeoutMs, true, () -> released(handedOver, gone, start));
        boolean cut = hurry;
        List<GroupId> before = onCore(() -> {
            List<GroupId> here = agent.holding();
            agent.leave();
            return here;
        });
        List<GroupId> all = onCore(() -> agent.status().stream().map(ProbeReply::group).toList());
        await(core.nowMillis() + releaseMs, false, () -> released(all, gone, start));
        List<GroupId> still = onCore(agent::holding);
        long now = core.nowMillis();
        for (GroupId g : all) {
            Ask a = asked.get(g);
            String outcome = still.contains(g) ? "still-held" : before.contains(g) ? "released"
                    : a == null ? "standby" : a.accepted() ? "handed-over" : "not-held";
            String how = a == null ? "not the primary" : a.how();
            String why = switch (outcome) {
                case "handed-over" -> how + "; the leader released the IP here";
                case "released" -> how + "; the stop ran the release hook itself"
                        + (a != null && a.accepted() ? (cut ? " after a second signal" : " after the stop timeout of "
                        + stopTimeoutMs + " ms") : "");
                case "still-held" -> how + "; the release hook did not succeed within " + releaseMs
                        + " ms: the IP may still be on this host";
                case "not-held" -> how + "; the IP was not here";
                default -> "not the primary: nothing to hand over";
            };
            sink.emit(new Event.AgentStopped(now, self, g, term(g), outcome, why, gone.getOrDefault(g, now) - start));
        }
    }

    private Ask ask(List<AdminClient> clients, GroupId g, long term, long end) {
        List<String> refusals = new ArrayList<>();
        for (AdminClient c : clients) {
            long left = end - core.nowMillis();
            if (left <= 0 || hurry) {
                refusals.add("stop timeout passed");
                break;
            }
            try {
                long t = c.stepDown(g.value(), self.value(), Math.min(CALL_MS, left));
                sink.emit(new Event.StepDownAsked(core.nowMillis(), self, g, term, c.target(),
                        "accepted: switchover in term " + t));
                return new Ask(true, c.target() + " started a switchover in term " + t);
            } catch (AdminClient.AdminException e) {
                sink.emit(new Event.StepDownAsked(core.nowMillis(), self, g, term, c.target(), e.getMessage()));
                refusals.add(c.target() + ": " + e.getMessage());
            }
        }
        return new Ask(false, "no watcher accepted a switchover (" + String.join("; ", refusals) + ")");
    }

    /** Whether none of {@code groups} may hold the IP here any more; notes when each was first seen gone. */
    private boolean released(List<GroupId> groups, Map<GroupId, Long> gone, long start) {
        List<GroupId> here = onCore(agent::holding);
        long now = core.nowMillis();
        for (GroupId g : groups) {
            if (!here.contains(g)) {
                gone.putIfAbsent(g, now);
            }
        }
        return groups.stream().noneMatch(here::contains);
    }

    private long term(GroupId g) {
        return onCore(() -> agent.status().stream().filter(r -> r.group().equals(g)).findFirst()
                .map(ProbeReply::highestTerm).orElse(0L));
    }

    private void await(long until, boolean hurried, BooleanSupplier done) {
        while (!done.getAsBoolean() && core.nowMillis() < until && !(hurried && hurry)) {
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** {@code f} run on the core thread, where the agent lives. */
    private <T> T onCore(Supplier<T> f) {
        var result = new CompletableFuture<T>();
        core.execute(() -> {
            try {
                result.complete(f.get());
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        try {
            return result.get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the agent's core thread did not answer: " + e, e);
        }
    }
}
