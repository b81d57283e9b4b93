package dev.vigil.sim;

import dev.vigil.core.ProtocolException;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The network between simulated hosts: every message gets a seeded random delay (which also
 * reorders), and may be lost, duplicated, or blocked by a partition (symmetric or one-way,
 * between hosts). Processes on the same host always reach each other. A reply goes back only
 * to the incarnation that asked.
 */
final class SimNetwork {
    /** The longest delay a fault plan may set. */
    static final long MAX_DELAY_MS = 1_500;

    private final SimWorld world;
    private final SplittableRandom random;
    private final Set<String> blocked = new HashSet<>();

    int lossPercent;
    int duplicatePercent;
    long minDelayMs = 1;
    long maxDelayMs = 5;
    long messages;

    SimNetwork(SimWorld world, SplittableRandom random) {
        this.world = world;
        this.random = random;
    }

    void block(String fromHost, String toHost) {
        blocked.add(fromHost + '>' + toHost);
    }

    void healPartitions() {
        blocked.clear();
    }

    boolean partitioned() {
        return !blocked.isEmpty();
    }

    /** A one-way message, delivered to whatever incarnation of {@code to} is up when it arrives. */
    void send(SimWorld.Proc from, SimWorld.Proc to, Runnable deliver) {
        transmit(from, to, SimWorld.ANY, deliver);
    }

    /** A request whose reply returns to the asking incarnation; a refused request gets no reply. */
    <T> void call(SimWorld.Proc from, SimWorld.Proc to, Supplier<T> handle, Consumer<T> onReply) {
        int inc = from.incarnation;
        send(from, to, () -> {
            T reply;
            try {
                reply = handle.get();
            } catch (ProtocolException e) {
                return;
            }
            transmit(to, from, inc, () -> onReply.accept(reply));
        });
    }

    /** As {@link #call}, for handlers that answer later (Promote, Release). */
    <T> void callAsync(SimWorld.Proc from, SimWorld.Proc to, Consumer<Consumer<T>> handle, Consumer<T> onReply) {
        int inc = from.incarnation;
        send(from, to, () -> {
            try {
                handle.accept(reply -> transmit(to, from, inc, () -> onReply.accept(reply)));
            } catch (ProtocolException e) {
                // refused: no reply, as with an error status
            }
        });
    }

    private void transmit(SimWorld.Proc from, SimWorld.Proc to, int incarnation, Runnable deliver) {
        messages++;
        if (!from.host.equals(to.host)) {
            if (blocked.contains(from.host + '>' + to.host)) {
                return;
            }
            if (lossPercent > 0 && random.nextInt(100) < lossPercent) {
                return;
            }
            if (duplicatePercent > 0 && random.nextInt(100) < duplicatePercent) {
                world.at(world.now() + delay(), to, incarnation, deliver);
            }
        }
        world.at(world.now() + delay(), to, incarnation, deliver);
    }

    private long delay() {
        return minDelayMs + (maxDelayMs > minDelayMs ? random.nextLong(maxDelayMs - minDelayMs + 1) : 0);
    }
}
