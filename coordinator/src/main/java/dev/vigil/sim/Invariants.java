package dev.vigil.sim;

import dev.vigil.core.Event;
import dev.vigil.core.EventSink;
import dev.vigil.core.NodeId;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The simulator's checker: the first violation, the trace of the last events and faults, and
 * the invariants on the floating IP as the kernel model holds it. The message invariants (votes,
 * leaders, ODOWN, terms, epochs, tokens, TILT) are {@link Wire}'s, on what crosses the network;
 * the protocol's own events only fill the trace. The first violation wins; the run stops at it.
 */
final class Invariants implements EventSink {
    record Violation(String invariant, String detail, long at) {}

    private static final int TRACE = 400;

    private final SimWorld world;
    final Wire wire;
    private final Object[] trace = new Object[TRACE];
    private int traced;
    private Violation violation;
    private long overlapSince = -1;
    Consumer<Event> listener = e -> {};
    int failovers;

    Invariants(SimWorld world) {
        this.world = world;
        this.wire = new Wire(this, world);
    }

    Violation violation() {
        return violation;
    }

    void fail(String invariant, String detail) {
        if (violation == null) {
            violation = new Violation(invariant, detail, world.now());
            note("VIOLATION " + invariant + ": " + detail);
        }
    }

    void note(String s) {
        trace[traced++ % TRACE] = "t=" + world.now() + " " + s;
    }

    /** An event as the trace keeps it: with the virtual time, since its own stamp is on its host's clock. */
    private record Traced(long at, Event event) {}

    @Override
    public void emit(Event e) {
        trace[traced++ % TRACE] = new Traced(world.now(), e);
        check(e);
        listener.accept(e);
    }

    private void check(Event e) {
        if (e instanceof Event.FailoverCompleted) {
            failovers++;
        }
    }

    /**
     * After every step: how long two or more live (up, not frozen) agents' hosts have held the IP
     * at once. Each acquire is checked by {@link #acquired}; what overlap is left is the old
     * holder's own release run, which {@code boundMs} bounds (a release that hangs to its hook
     * timeout, then its retry). A frozen holder is counted from its thaw: while frozen it cannot
     * let go, which README lists among what Vigil does not guarantee.
     */
    void checkHolders(int liveHolders, long boundMs, String who) {
        if (liveHolders < 2) {
            overlapSince = -1;
            return;
        }
        if (overlapSince < 0) {
            overlapSince = world.now();
            note("IP held by " + who);
        } else if (world.now() - overlapSince > boundMs) {
            fail("two live holders only for the old one's release run",
                    "IP held by " + who + " for " + (world.now() - overlapSince) + " ms > " + boundMs + " ms");
        }
    }

    /** At an acquire: {@code other}, a live holder too, must have lost its lease ({@code lease} of {@code majority}). */
    void acquired(NodeId node, String other, int lease, int majority) {
        if (lease >= majority) {
            fail("no acquire while another live holder keeps its lease", node + " acquired while " + other
                    + " still held the IP with a lease of " + lease + " watchers (" + majority + " needed)");
        }
    }

    List<String> trace(int last) {
        List<String> out = new ArrayList<>();
        int n = Math.min(last, Math.min(traced, TRACE));
        for (int i = traced - n; i < traced; i++) {
            Object o = trace[i % TRACE];
            out.add(o instanceof Traced t ? "t=" + t.at + " " + t.event.describe() : String.valueOf(o));
        }
        return out;
    }
}
