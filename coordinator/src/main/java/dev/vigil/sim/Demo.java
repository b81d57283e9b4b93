package dev.vigil.sim;

import dev.vigil.config.Timings;
import dev.vigil.core.Event;
import dev.vigil.core.Narrative;
import dev.vigil.core.NodeId;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The failover story on the simulator: three watchers, a primary and a standby, the primary's
 * host powered off, and every decision told as a timeline relative to the crash. Virtual time,
 * so it is the protocol's own latency, without the network or hooks of a real host.
 */
public final class Demo {
    /**
     * What the demo measured, from the crash: ODOWN (the detection window closing: down-after
     * counts from the last valid reply, which predates the crash) and the standby holding the
     * IP; the difference is Vigil's own overhead. -1 if it did not happen.
     */
    public record Outcome(long crashToOdownMs, long crashToStandbyMs, long downAfterMs, int failovers) {}

    private Demo() {}

    public static Outcome run(long seed, PrintWriter out) {
        SimCluster c = new SimCluster(seed, SimCluster.Options.of(3));
        List<Event> events = new ArrayList<>();
        c.onEvent(events::add);
        c.runUntil(5_000);
        NodeId primary = c.answering();
        long crashAt = c.now();
        events.clear();
        out.printf("%8s  %s%n", "+0 ms", "power off " + primary + " (primary, holds the floating IP)");
        c.crashHost(primary);
        c.runFor(20_000);
        long answeredAt = -1;
        long odownAt = -1;
        for (Event e : events) {
            String line = Narrative.sentence(e.getClass().getSimpleName(), e.fields());
            if (line != null) {
                out.printf("%8s  %s%n", "+" + (e.at() - crashAt) + " ms", line);
            }
            if (e instanceof Event.OdownChanged o && o.down() && odownAt < 0) {
                odownAt = e.at();
            }
            if (e instanceof Event.IpChanged ip && ip.held() && answeredAt < 0) {
                answeredAt = e.at();
            }
        }
        Timings t = c.group.timings();
        return new Outcome(odownAt < 0 ? -1 : odownAt - crashAt, answeredAt < 0 ? -1 : answeredAt - crashAt,
                t.downAfterMs(), c.failovers());
    }
}
