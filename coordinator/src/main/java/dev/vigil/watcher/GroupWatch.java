package dev.vigil.watcher;

import dev.vigil.config.GroupConfig;
import dev.vigil.config.NodeConfig;
import dev.vigil.config.Timings;
import dev.vigil.core.Event;
import dev.vigil.core.EventSink;
import dev.vigil.core.NodeId;
import dev.vigil.core.ProtocolException;
import dev.vigil.core.WatcherId;
import dev.vigil.detection.Prober;
import dev.vigil.election.Election;
import dev.vigil.election.VoterView;
import dev.vigil.failover.FailoverRun;
import dev.vigil.failover.HookRunner;
import dev.vigil.quorum.DownReports;
import dev.vigil.store.WatcherState;
import dev.vigil.time.Scheduler;
import dev.vigil.transport.AgentClient;
import dev.vigil.transport.Hello;
import dev.vigil.transport.ProbeReply;
import dev.vigil.transport.ProbeRequest;
import dev.vigil.transport.VoteReply;
import dev.vigil.transport.VoteRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One watcher's protocol state for one group (DESIGN.md, "The protocol", steps 1–6 and 10–11):
 * it probes every node, decides SDOWN for the primary, tallies peers' reports into ODOWN, runs
 * elections, leads failovers, and adopts newer config epochs on sight. Single-threaded: every
 * method runs on the watcher's scheduler thread. Durable fields are saved before any reply that
 * depends on them.
 */
final class GroupWatch implements Prober.Listener, FailoverRun.Host {
    private static final long ELECTION_JITTER_MS = 50;
    private static final long ELECTION_TIMEOUT_MIN_MS = 300;
    private static final long ELECTION_TIMEOUT_SPAN_MS = 300;

    private final Watcher w;
    private final GroupConfig cfg;
    private final Timings t;
    private final Map<NodeId, Prober> probers = new LinkedHashMap<>();
    private final DownReports reports = new DownReports();

    // Durable: saved through the store before any reply that depends on them.
    private long term;
    private WatcherId votedFor;
    private long lastVoteTerm;
    private long epoch;
    private NodeId primary;

    private long voteAt;
    private boolean sdown;
    private boolean odown;
    private WatcherId leader;
    private long leaderSeenAt;
    private long lastFailoverAt;
    private long lastQueryAt;
    private long lastHelloAt;
    private long manualDeadline;
    private Election election;
    private FailoverRun run;
    private Scheduler.Timer startTimer;
    private Scheduler.Timer electionTimer;
    private WatcherId lastLeader;
    private long lastFailoverTookMs = -1;

    GroupWatch(Watcher w, GroupConfig cfg) {
        this.w = w;
        this.cfg = cfg;
        this.t = cfg.timings();
        long now = w.scheduler().nowMillis();
        lastFailoverAt = now - t.failoverTimeoutMs();
        WatcherState s = w.store().load(cfg.id());
        if (s == null) {
            primary = cfg.initialPrimary();
        } else {
            term = s.term();
            votedFor = s.votedFor();
            lastVoteTerm = s.lastVoteTerm();
            epoch = s.configEpoch();
            primary = s.primary();
            // The time of a vote is not kept across a restart: count it from now, the safe side.
            voteAt = now;
        }
        for (NodeConfig n : cfg.nodes()) {
            probers.put(n.id(), new Prober(n.id(), t, w.scheduler(), w.agents(), ack -> probeRequest(n.id(), ack), this));
        }
    }

    void start() {
        for (Prober p : probers.values()) {
            p.start(w.random().nextLong(t.probeIntervalMs()));
        }
    }

    void stop() {
        probers.values().forEach(Prober::stop);
        cancelTimers();
        if (run != null) {
            run.cancel("watcher stopping");
        }
    }

    // ---- probing and SDOWN ----------------------------------------------------------------

    private ProbeRequest probeRequest(NodeId node, long ack) {
        return new ProbeRequest(cfg.id(), w.id(), node, epoch, primary, vouchTerm(), ack);
    }

    /**
     * The term this watcher vouches with: while a vote it cast for a failover may still be acted
     * on, that vote's term (higher than the old primary's epoch, so its lease stops counting us);
     * otherwise the config epoch. A vote stops mattering once failover-timeout has passed, since
     * its leader gives up by then.
     */
    long vouchTerm() {
        boolean active = lastVoteTerm > epoch && w.scheduler().nowMillis() - voteAt < t.failoverTimeoutMs();
        return active ? lastVoteTerm : epoch;
    }

    @Override
    public boolean accept(Prober prober, ProbeReply reply) {
        if (reply.configEpoch() > epoch && reply.primary() != null && cfg.node(reply.primary()).isPresent()) {
            adoptEpoch(reply.configEpoch(), reply.primary(), "agent " + reply.node());
        }
        if (!reply.serving()) {
            return false;
        }
        // An agent that obeyed a newer term than our epoch, and not as its new primary, has been
        // told to step down: it is no longer a primary, whatever it answers.
        return !reply.node().equals(primary) || reply.highestTerm() <= epoch
                || (reply.configEpoch() == reply.highestTerm() && reply.node().equals(reply.primary()));
    }

    @Override
    public void changed(Prober prober) {
        if (prober.node().equals(primary)) {
            updateSdown();
        }
    }

    @Override
    public boolean healthy(NodeId node) {
        Prober p = probers.get(node);
        return p != null && p.serving(w.scheduler().nowMillis());
    }

    private void updateSdown() {
        long now = w.scheduler().nowMillis();
        Prober p = probers.get(primary);
        boolean down = p.down(now);
        if (down == sdown) {
            return;
        }
        sdown = down;
        String reason = down ? "no valid reply for " + p.silentFor(now) + " ms > down-after " + t.downAfterMs() + " ms"
                : "valid reply";
        w.sink().emit(new Event.SdownChanged(now, w.id(), cfg.id(), primary, down, reason));
        if (!w.tilt()) {
            if (down) {
                queryPeers();
            } else {
                helloPeers();
            }
        }
        updateOdown();
    }

    // ---- opinions and ODOWN ---------------------------------------------------------------

    private Hello hello() {
        return new Hello(cfg.id(), w.id(), term, epoch, primary, sdown && !w.tilt(), leader);
    }

    private void helloPeers() {
        lastHelloAt = w.scheduler().nowMillis();
        Hello h = hello();
        for (WatcherId p : w.peers()) {
            w.transport().hello(p, h);
        }
    }

    private void queryPeers() {
        lastQueryAt = w.scheduler().nowMillis();
        lastHelloAt = lastQueryAt;
        Hello h = hello();
        for (WatcherId p : w.peers()) {
            w.transport().isPrimaryDown(p, h, this::onHello);
        }
    }

    void onHello(Hello h) {
        if (!w.isPeer(h.from())) {
            throw new ProtocolException(ProtocolException.Code.INVALID_ARGUMENT, "not a configured peer: " + h.from());
        }
        long now = w.scheduler().nowMillis();
        reports.record(h.from(), h.sdown(), h.configEpoch(), now);
        if (h.configEpoch() > epoch && h.primary() != null && cfg.node(h.primary()).isPresent()) {
            adoptEpoch(h.configEpoch(), h.primary(), "hello from " + h.from());
        }
        observeTerm(h.term());
        if (h.leader() != null && h.term() == term && leader == null) {
            leader = h.leader();
            leaderSeenAt = now;
        }
        updateOdown();
    }

    Hello onIsPrimaryDown(Hello h) {
        onHello(h);
        return hello();
    }

    private void updateOdown() {
        refreshOdown();
        if (odown) {
            maybeStartElection();
        }
    }

    /** Recomputes ODOWN from fresh reports; never acts on it. */
    private void refreshOdown() {
        long now = w.scheduler().nowMillis();
        boolean own = sdown && !w.tilt();
        List<WatcherId> peersDown = own ? reports.down(now, t.reportTtlMs(), epoch) : List.of();
        int count = (own ? 1 : 0) + peersDown.size();
        boolean down = own && count >= cfg.quorum();
        if (down != odown) {
            odown = down;
            w.sink().emit(new Event.OdownChanged(now, w.id(), cfg.id(), primary, down, count, cfg.quorum()));
        }
    }

    // ---- elections ------------------------------------------------------------------------

    private void observeTerm(long seen) {
        if (seen <= term) {
            return;
        }
        term = seen;
        votedFor = null;
        leader = null;
        persist();
        if (election != null && election.term() < seen) {
            lose("higher term " + seen + " seen");
        }
        if (run != null && run.term() < seen) {
            run.cancel("higher term " + seen + " seen");
        }
    }

    /** How long before this watcher may start an election; 0 now. */
    private long electionWait(long now) {
        long wait = lastFailoverAt + t.failoverTimeoutMs() - now;
        if (leader != null && !leader.equals(w.id())) {
            wait = Math.max(wait, leaderSeenAt + t.failoverTimeoutMs() - now);
        }
        if (votedFor != null && !votedFor.equals(w.id())) {
            wait = Math.max(wait, voteAt + ELECTION_TIMEOUT_MIN_MS + ELECTION_TIMEOUT_SPAN_MS - now);
        }
        return Math.max(0, wait);
    }

    private void maybeStartElection() {
        if (!odown || w.tilt() || run != null || election != null || startTimer != null) {
            return;
        }
        long delay = electionWait(w.scheduler().nowMillis()) + w.random().nextLong(ELECTION_JITTER_MS);
        startTimer = w.scheduler().schedule(delay, () -> {
            startTimer = null;
            refreshOdown();
            if (!odown || w.tilt() || run != null || election != null) {
                return;
            }
            if (electionWait(w.scheduler().nowMillis()) > 0) {
                maybeStartElection();
            } else {
                startElection("odown", false, null);
            }
        });
    }

    private void startElection(String cause, boolean manual, NodeId target) {
        long now = w.scheduler().nowMillis();
        term++;
        votedFor = w.id();
        lastVoteTerm = term;
        voteAt = now;
        leader = null;
        persist();
        election = new Election(term, w.votesNeeded(cfg), manual, target, now);
        election.grant(w.id());
        List<WatcherId> down = manual ? List.of() : reports.down(now, t.reportTtlMs(), epoch);
        w.sink().emit(new Event.ElectionStarted(now, w.id(), cfg.id(), term, cause, down));
        w.sink().emit(new Event.VoteGranted(now, w.id(), cfg.id(), term, w.id()));
        if (election.won()) {
            win();
            return;
        }
        var req = new VoteRequest(cfg.id(), w.id(), term, epoch, manual);
        for (WatcherId p : w.peers()) {
            w.transport().requestVote(p, req, this::onVoteReply);
        }
        long mine = term;
        electionTimer = w.scheduler().schedule(
                ELECTION_TIMEOUT_MIN_MS + w.random().nextLong(ELECTION_TIMEOUT_SPAN_MS), () -> electionTimeout(mine));
    }

    private void onVoteReply(VoteReply r) {
        observeTerm(r.term());
        if (election == null || r.term() != election.term() || !r.granted()) {
            return;
        }
        election.grant(r.voter());
        if (election.won()) {
            win();
        }
    }

    private void electionTimeout(long electionTerm) {
        if (election == null || election.term() != electionTerm) {
            return;
        }
        Election e = election;
        lose("no majority within the election timeout");
        if (e.manual() && w.scheduler().nowMillis() < manualDeadline) {
            startElection("manual retry", true, e.target());
        } else {
            maybeStartElection();
        }
    }

    private void lose(String reason) {
        Election e = election;
        election = null;
        cancel(electionTimer);
        w.sink().emit(new Event.ElectionLost(w.scheduler().nowMillis(), w.id(), cfg.id(), e.term(), e.votes(),
                e.needed(), reason));
    }

    private void win() {
        Election e = election;
        election = null;
        cancel(electionTimer);
        long now = w.scheduler().nowMillis();
        leader = w.id();
        leaderSeenAt = now;
        lastLeader = w.id();
        String cause = e.manual() ? "manual" : "odown";
        w.sink().emit(new Event.LeaderElected(now, w.id(), cfg.id(), e.term(), e.votes(), e.needed(), cause));
        lead(e.term(), e.manual() ? FailoverRun.Mode.MANUAL : FailoverRun.Mode.AUTO, e.target());
    }

    private void lead(long runTerm, FailoverRun.Mode mode, NodeId target) {
        run = new FailoverRun(this, runTerm, mode, primary, target);
        helloPeers();
        run.start();
    }

    VoteReply onRequestVote(VoteRequest r) {
        if (!w.isPeer(r.candidate())) {
            throw new ProtocolException(ProtocolException.Code.INVALID_ARGUMENT, "not a configured peer: " + r.candidate());
        }
        observeTerm(r.term());
        long now = w.scheduler().nowMillis();
        var view = new VoterView(term, votedFor, epoch, primary, w.tilt(), probers.get(primary).silentFor(now),
                t.fenceAfterMs(), now - lastFailoverAt < t.failoverTimeoutMs());
        String why = w.voteRule().refusal(view, r);
        if (why != null) {
            w.sink().emit(new Event.VoteRefused(now, w.id(), cfg.id(), r.term(), r.candidate(), why));
            return new VoteReply(cfg.id(), w.id(), term, false, why);
        }
        votedFor = r.candidate();
        lastVoteTerm = r.term();
        voteAt = now;
        persist();
        w.sink().emit(new Event.VoteGranted(now, w.id(), cfg.id(), r.term(), r.candidate()));
        return new VoteReply(cfg.id(), w.id(), term, true, "granted");
    }

    // ---- failover -------------------------------------------------------------------------

    /** An operator's request (DESIGN.md step 10). Returns the term the failover runs in. */
    long requestFailover(NodeId to, boolean force) {
        if (to != null && cfg.node(to).isEmpty()) {
            throw new ProtocolException(ProtocolException.Code.UNKNOWN_NODE, "group " + cfg.id() + " has no node " + to);
        }
        if (to != null && to.equals(primary)) {
            throw new ProtocolException(ProtocolException.Code.FAILED_PRECONDITION, to + " is already the primary");
        }
        if (run != null || election != null) {
            long busy = run != null ? run.term() : election.term();
            throw new ProtocolException(ProtocolException.Code.FAILED_PRECONDITION,
                    "a failover of " + cfg.id() + " is already running in term " + busy);
        }
        cancel(startTimer);
        startTimer = null;
        if (!force) {
            manualDeadline = w.scheduler().nowMillis() + t.failoverTimeoutMs();
            startElection("manual", true, to);
            return term;
        }
        long now = w.scheduler().nowMillis();
        term++;
        votedFor = w.id();
        lastVoteTerm = term;
        voteAt = now;
        persist();
        leader = w.id();
        lastLeader = w.id();
        w.sink().emit(new Event.LeaderElected(now, w.id(), cfg.id(), term, 1, 1,
                "FORCED by operator: no election, no quorum, split brain possible"));
        lead(term, FailoverRun.Mode.FORCE, to);
        return term;
    }

    @Override
    public void completed(FailoverRun r, NodeId newPrimary) {
        finished(r, newPrimary);
        adoptEpoch(r.term(), newPrimary, "own failover");
    }

    private void finished(FailoverRun r, NodeId newPrimary) {
        if (run == r) {
            run = null;
        }
        long now = w.scheduler().nowMillis();
        lastFailoverTookMs = now - r.startedAt();
        w.sink().emit(new Event.FailoverCompleted(now, w.id(), cfg.id(), r.term(), r.oldPrimary(), newPrimary,
                lastFailoverTookMs));
    }

    @Override
    public void aborted(FailoverRun r, String reason) {
        if (run == r) {
            run = null;
        }
        w.sink().emit(new Event.FailoverAborted(w.scheduler().nowMillis(), w.id(), cfg.id(), r.term(), reason));
        if (odown) {
            maybeStartElection();
        }
    }

    private void adoptEpoch(long newEpoch, NodeId newPrimary, String source) {
        if (newEpoch <= epoch) {
            return;
        }
        long now = w.scheduler().nowMillis();
        NodeId oldPrimary = primary;
        epoch = newEpoch;
        primary = newPrimary;
        lastFailoverAt = now;
        if (newEpoch > term) {
            term = newEpoch;
            votedFor = null;
            leader = null;
        }
        persist();
        w.sink().emit(new Event.EpochAdopted(now, w.id(), cfg.id(), newEpoch, newPrimary, source));
        if (run != null && run.term() == newEpoch) {
            // Our own promotion, confirmed by the agent before its reply reached us.
            FailoverRun r = run;
            r.finish();
            finished(r, newPrimary);
        } else if (run != null && run.term() < newEpoch) {
            run.cancel("config epoch " + newEpoch + " installed with primary " + newPrimary);
        }
        if (election != null && election.term() <= newEpoch) {
            lose("config epoch " + newEpoch + " installed");
        }
        if (sdown) {
            sdown = false;
            w.sink().emit(new Event.SdownChanged(now, w.id(), cfg.id(), oldPrimary, false, "primary replaced"));
        }
        if (odown) {
            odown = false;
            w.sink().emit(new Event.OdownChanged(now, w.id(), cfg.id(), oldPrimary, false, 0, cfg.quorum()));
        }
        updateSdown();
        helloPeers();
    }

    // ---- housekeeping ---------------------------------------------------------------------

    void tick(long now) {
        updateOdown();
        if (sdown && !w.tilt() && now - lastQueryAt >= t.probeIntervalMs()) {
            queryPeers();
        } else if (now - lastHelloAt >= t.helloIntervalMs()) {
            helloPeers();
        }
    }

    void tiltChanged() {
        if (w.tilt() && election != null) {
            lose("tilt");
        }
        helloPeers();
        updateOdown();
    }

    GroupStatus status() {
        long now = w.scheduler().nowMillis();
        var silent = new LinkedHashMap<NodeId, Long>();
        probers.forEach((n, p) -> silent.put(n, p.silentFor(now)));
        return new GroupStatus(cfg.id(), primary, epoch, term, sdown && !w.tilt(), odown, lastLeader,
                run != null ? run.term() : 0, now - lastFailoverAt, lastFailoverTookMs, silent);
    }

    private void persist() {
        w.store().save(cfg.id(), new WatcherState(term, votedFor, lastVoteTerm, epoch, primary));
    }

    private void cancelTimers() {
        cancel(startTimer);
        cancel(electionTimer);
    }

    private static void cancel(Scheduler.Timer timer) {
        if (timer != null) {
            timer.cancel();
        }
    }

    // ---- FailoverRun.Host -----------------------------------------------------------------

    @Override
    public Scheduler scheduler() {
        return w.scheduler();
    }

    @Override
    public AgentClient agents() {
        return w.agents();
    }

    @Override
    public HookRunner hooks() {
        return w.hooks();
    }

    @Override
    public EventSink sink() {
        return w.sink();
    }

    @Override
    public WatcherId self() {
        return w.id();
    }

    @Override
    public GroupConfig group() {
        return cfg;
    }
}
