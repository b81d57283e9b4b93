package dev.vigil.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.config.Timings;
import dev.vigil.core.GroupId;
import dev.vigil.core.NodeId;
import dev.vigil.core.WatcherId;
import dev.vigil.time.ManualScheduler;
import dev.vigil.transport.AgentClient;
import dev.vigil.transport.AgentReply;
import dev.vigil.transport.ProbeReply;
import dev.vigil.transport.ProbeRequest;
import dev.vigil.transport.PromoteRequest;
import dev.vigil.transport.ReleaseRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class ProberTest {
    private static final GroupId WEB = new GroupId("web");
    private static final NodeId NODE = new NodeId("n1");
    private static final WatcherId ME = new WatcherId("w1");

    /** One probe the fake agent received, with the means to answer it. */
    private record Sent(long at, ProbeRequest request, AgentClient.ProbeCallback reply) {}

    /** Records probes; answers after {@code replyAfterMs} if set, else only when the test says so. */
    private final class FakeAgents implements AgentClient {
        final List<Sent> probes = new ArrayList<>();
        Long replyAfterMs;

        @Override
        public void probe(NodeId node, ProbeRequest request, ProbeCallback reply) {
            assertEquals(NODE, node);
            Sent s = new Sent(scheduler.nowMillis(), request, reply);
            probes.add(s);
            if (replyAfterMs != null) {
                scheduler.schedule(replyAfterMs, () -> answer(s));
            }
        }

        @Override
        public void promote(NodeId node, PromoteRequest request, Consumer<AgentReply> reply) {
            throw new AssertionError("a prober only probes");
        }

        @Override
        public void release(NodeId node, ReleaseRequest request, Consumer<AgentReply> reply) {
            throw new AssertionError("a prober only probes");
        }

        List<Long> sendTimes() {
            return probes.stream().map(Sent::at).toList();
        }

        Sent last() {
            return probes.get(probes.size() - 1);
        }

        /** The agent process answering: another one after a restart. */
        long incarnation = 1;

        /** Answers with the agent's stamp: its clock at the time of the answer. */
        void answer(Sent s) {
            answer(s, scheduler.nowMillis());
        }

        void answer(Sent s, long stamp) {
            arrive(s, stamp, scheduler.nowMillis());
        }

        /** A reply that reached the watcher at {@code arrivedAt}, handed to the prober now. */
        void arrive(Sent s, long stamp, long arrivedAt) {
            s.reply().reply(new ProbeReply(WEB, NODE, true, incarnation, stamp, 1, NODE, 1, true, ""), arrivedAt);
        }
    }

    /** Accepts every reply unless told otherwise; records each change with whether the node was down. */
    private final class RecordingListener implements Prober.Listener {
        boolean acceptReplies = true;
        final List<ProbeReply> seen = new ArrayList<>();
        final List<Long> changedAt = new ArrayList<>();
        final List<Long> changedDownAt = new ArrayList<>();

        @Override
        public boolean accept(Prober prober, ProbeReply reply) {
            seen.add(reply);
            return acceptReplies;
        }

        @Override
        public void changed(Prober prober) {
            long now = scheduler.nowMillis();
            changedAt.add(now);
            if (prober.down(now)) {
                changedDownAt.add(now);
            }
        }
    }

    private final ManualScheduler scheduler = new ManualScheduler();
    private final FakeAgents agents = new FakeAgents();
    private final RecordingListener listener = new RecordingListener();
    private final List<Long> ackStampsRequested = new ArrayList<>();

    private Prober prober(Timings timings) {
        return new Prober(NODE, timings, scheduler, agents, (inc, ack) -> {
            ackStampsRequested.add(ack);
            return new ProbeRequest(WEB, ME, NODE, 1, NODE, 1, inc, ack, 1, "");
        }, listener, AckRule.STANDARD);
    }

    @Test
    void probesEveryProbeIntervalWhileAnswered() {
        agents.replyAfterMs = 10L;
        prober(Timings.defaults()).start(0);

        scheduler.advanceTo(3_500);

        assertEquals(List.of(0L, 1_000L, 2_000L, 3_000L), agents.sendTimes());
    }

    @Test
    void firstProbeWaitsForTheInitialDelay() {
        prober(Timings.defaults()).start(300);

        scheduler.advanceTo(299);
        assertEquals(List.of(), agents.sendTimes());

        scheduler.advanceTo(300);
        assertEquals(List.of(300L), agents.sendTimes());
    }

    @Test
    void afterAMissedDeadlineReprobesEveryReprobeIntervalUntilAnswered() {
        agents.replyAfterMs = 10L;
        prober(Timings.defaults()).start(0);
        scheduler.advanceTo(999);

        agents.replyAfterMs = null; // the probe at 1000 and the next ones are lost
        scheduler.advanceTo(2_249);
        agents.replyAfterMs = 10L; // the re-probe at 2250 gets through
        scheduler.advanceTo(3_300);

        // deadline 1000 + probe-timeout 500 missed; re-probes every 250 ms; answered, back to the interval
        assertEquals(List.of(0L, 1_000L, 1_500L, 1_750L, 2_000L, 2_250L, 3_250L), agents.sendTimes());
    }

    @Test
    void aSlowButTimelyReplyEndsTheReprobingSoAnOverloadedAgentIsNotProbedFourTimesAsOften() {
        agents.replyAfterMs = 300L; // slower than reprobe-interval (250), within probe-timeout (500)
        prober(Timings.defaults()).start(0);
        scheduler.advanceTo(999);
        agents.replyAfterMs = null; // the probe at 1000 is lost
        scheduler.advanceTo(1_000);
        agents.replyAfterMs = 300L;

        scheduler.advanceTo(4_000);

        // missed at 1500; re-probes at 1500 and 1750; the reply to 1500 comes at 1800, within
        // its probe-timeout: the node answers, so back to one probe per interval after 1750
        assertEquals(List.of(0L, 1_000L, 1_500L, 1_750L, 2_750L, 3_750L), agents.sendTimes());
    }

    @Test
    void missedDeadlineTellsTheListener() {
        prober(Timings.defaults()).start(0);

        scheduler.advanceTo(499);
        assertEquals(List.of(), listener.changedAt);

        scheduler.advanceTo(500);
        assertEquals(List.of(500L), listener.changedAt);
    }

    @Test
    void downExactlyAfterDownAfterAndTheListenerHearsAtThatInstant() {
        // re-probes at 400 + 300k: ..., 4900, 5200; neither falls on 5001
        Timings t = new Timings(1_000, 400, 300, 5_000, 3_750, 10_000);
        Prober p = prober(t);
        p.start(0);

        scheduler.advanceTo(5_000);
        assertFalse(p.down(5_000));
        assertEquals(List.of(), listener.changedDownAt);

        scheduler.advanceTo(5_001);
        assertTrue(p.down(5_001));
        assertEquals(List.of(5_001L), listener.changedDownAt, "told at the instant, not at the next probe");
        assertTrue(listener.changedAt.contains(5_001L));
    }

    @Test
    void downAfterCountsFromTheLastValidReplyNotFromStart() {
        Timings t = new Timings(1_000, 400, 300, 5_000, 3_750, 10_000);
        Prober p = prober(t);
        agents.replyAfterMs = 10L;
        p.start(0);
        scheduler.advanceTo(2_500); // probes at 0, 1000, 2000 answered
        agents.replyAfterMs = null;

        scheduler.advanceTo(7_000);
        assertFalse(p.down(7_000));
        assertEquals(List.of(), listener.changedDownAt);

        scheduler.advanceTo(7_001);
        assertEquals(2_000, p.lastOk());
        assertEquals(List.of(7_001L), listener.changedDownAt);
    }

    @Test
    void aValidReplyClearsDownAtOnce() {
        Prober p = prober(Timings.defaults());
        p.start(0);
        scheduler.advanceTo(5_100);
        assertTrue(p.down(5_100));
        Sent pending = agents.last(); // the re-probe sent at 5000

        scheduler.advanceTo(5_120);
        int changesBefore = listener.changedAt.size();
        agents.answer(pending);

        assertFalse(p.down(5_120));
        assertEquals(5_000, p.lastOk());
        assertEquals(changesBefore + 1, listener.changedAt.size());
    }

    @Test
    void aDelayedReplyWithinItsDeadlineCountsFromThatProbesSendTime() {
        Prober p = prober(Timings.defaults());
        Sent probe = answeredUntilAProbeAt1000GoesUnanswered(p);
        assertEquals(1_000, probe.at());

        scheduler.advanceTo(1_400); // within probe-timeout (500 ms)
        agents.answer(probe);

        assertEquals(1_000, p.lastOk(), "lastOk is the probe's send time, not the receive time");
        assertEquals(400, p.silentFor(1_400));
    }

    /** Probes answered after 10 ms from 0 on, until the probe sent at 1000 (returned) gets no answer. */
    private Sent answeredUntilAProbeAt1000GoesUnanswered(Prober p) {
        agents.replyAfterMs = 10L;
        p.start(0);
        scheduler.advanceTo(999);
        agents.replyAfterMs = null;
        scheduler.advanceTo(1_000);
        return agents.last();
    }

    @Test
    void aReplyAfterItsDeadlineCountsForNothing() {
        agents.replyAfterMs = 10L;
        Prober p = prober(Timings.defaults());
        p.start(0);
        scheduler.advanceTo(999);
        long okBefore = p.lastOk();
        agents.replyAfterMs = null;
        scheduler.advanceTo(1_500); // the probe of 1000 missed its deadline; re-probe sent at 1500
        Sent old = agents.probes.get(1);
        assertEquals(1_000, old.at());

        scheduler.advanceTo(1_600);
        agents.answer(old);

        assertEquals(okBefore, p.lastOk(), "a reply 600 ms after its probe proves nothing about the node now");
        scheduler.advanceTo(1_750);
        assertEquals(1_750L, agents.last().at(), "and it does not answer the outstanding re-probe");
    }

    @Test
    void aReplyThatArrivedInTimeCountsThoughTheThreadGetsToItLate() {
        Prober p = prober(Timings.defaults());
        Sent probe = answeredUntilAProbeAt1000GoesUnanswered(p);

        scheduler.advanceTo(1_700); // a busy thread: the reply arrived at 1400 and is handled at 1700
        agents.arrive(probe, 1_390, 1_400);

        assertEquals(1_000, p.lastOk(), "it arrived within probe-timeout (500 ms) of its probe");
        scheduler.advanceTo(2_500); // the re-probe of 1500 is the last before the interval resumes
        assertEquals(List.of(0L, 1_000L, 1_500L, 2_500L), agents.sendTimes());
        assertEquals(1_390L, ackStampsRequested.get(ackStampsRequested.size() - 1), "and its stamp is acked");
    }

    @Test
    void lastOkNeverMovesBackward() {
        Prober p = prober(Timings.defaults());
        p.start(0);
        scheduler.advanceTo(1_500);
        Sent first = agents.probes.get(0);
        Sent latest = agents.last();

        agents.answer(latest);
        agents.answer(first);

        assertEquals(latest.at(), p.lastOk());
    }

    @Test
    void replyTheListenerRejectsDoesNotRefreshLastOk() {
        listener.acceptReplies = false;
        agents.replyAfterMs = 10L;
        Prober p = prober(Timings.defaults());
        p.start(100);

        scheduler.advanceTo(200);

        assertEquals(1, listener.seen.size(), "the listener saw the reply");
        assertEquals(0, p.lastOk(), "still the creation time");
        assertEquals(List.of(), listener.changedAt);
        scheduler.advanceTo(600);
        assertEquals(List.of(100L, 600L), agents.sendTimes(), "a rejected reply is a miss: re-probe at the deadline");
    }

    @Test
    void aReplyTheListenerRejectsIsNotAcked() {
        listener.acceptReplies = false; // e.g. the primary answers "not serving"
        agents.replyAfterMs = 10L;
        prober(Timings.defaults()).start(0);

        scheduler.advanceTo(1_000);

        assertEquals(List.of(0L, 500L, 750L, 1_000L), agents.sendTimes());
        assertEquals(List.of(0L, 0L, 0L, 0L), ackStampsRequested,
                "acking it would keep the lease of a primary this watcher may vote against");
    }

    @Test
    void latestReplyStampIsEchoedInTheNextProbe() {
        Prober p = prober(Timings.defaults());
        p.start(0);
        scheduler.runDue();
        agents.answer(agents.last(), 777);

        scheduler.advanceTo(1_000);

        assertEquals(List.of(0L, 777L), ackStampsRequested);
        assertEquals(777L, agents.last().request().ackStamp());
    }

    @Test
    void olderStampArrivingLateIsNotEchoed() {
        Prober p = prober(Timings.defaults());
        p.start(0);
        scheduler.advanceTo(600); // probe at 0 missed; re-probe at 500
        Sent first = agents.probes.get(0);
        Sent second = agents.probes.get(1);
        agents.answer(second, 900);
        agents.answer(first, 800);

        scheduler.advanceTo(1_500);

        assertEquals(900L, agents.last().request().ackStamp());
    }

    @Test
    void aRebootedAgentsLowerStampsAreAckedWithItsNewIncarnation() {
        Prober p = prober(Timings.defaults());
        p.start(0);
        scheduler.runDue();
        agents.answer(agents.last(), 9_000_000); // a host up for a few hours
        scheduler.advanceTo(1_000);
        assertEquals(1, agents.last().request().ackIncarnation());

        agents.incarnation = 2; // the host rebooted: its clock starts again near 0
        agents.answer(agents.last(), 12_000);
        scheduler.advanceTo(2_000);

        assertEquals(2, agents.last().request().ackIncarnation());
        assertEquals(12_000L, agents.last().request().ackStamp(), "the new run's stamp, though lower");
    }

    @Test
    void aLateReplyOfAnEarlierIncarnationDoesNotTakeTheAckBack() {
        Prober p = prober(Timings.defaults());
        p.start(0);
        scheduler.advanceTo(800); // probe at 0 missed; re-probes at 500 and 750, both still in time
        Sent earlier = agents.probes.get(1);
        Sent later = agents.probes.get(2);
        agents.incarnation = 2;
        agents.answer(later, 100);
        agents.incarnation = 1; // the old run's answer to the earlier probe, delayed
        agents.answer(earlier, 9_000_000);

        scheduler.advanceTo(1_750); // the next probe, an interval after the one answered

        assertEquals(2, agents.last().request().ackIncarnation());
        assertEquals(100L, agents.last().request().ackStamp());
    }

    @Test
    void stopEndsProbingAndTheDownTimer() {
        Prober p = prober(Timings.defaults());
        p.start(0);
        scheduler.advanceTo(1_000);
        int sent = agents.probes.size();

        p.stop();
        scheduler.advanceTo(20_000);

        assertEquals(sent, agents.probes.size());
        assertEquals(List.of(), listener.changedDownAt);
        assertEquals(0, scheduler.pending());
    }
}
