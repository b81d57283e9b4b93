package dev.vigil.watcher;

import dev.vigil.config.GroupConfig;
import dev.vigil.config.NodeConfig;
import dev.vigil.config.Timings;
import dev.vigil.core.Event;
import dev.vigil.core.EventSink;
import dev.vigil.core.Fingerprints;
import dev.vigil.core.NodeId;
import dev.vigil.core.ProtocolException;
import dev.vigil.core.WatcherId;
import dev.vigil.detection.Prober;
import dev.vigil.election.Ballot;
import dev.vigil.election.Catchup;
import dev.vigil.election.Election;
import dev.vigil.election.VoterView;
import dev.vigil.failover.FailoverRun;
import dev.vigil.failover.HookCall;
import dev.vigil.failover.HookKind;
import dev.vigil.failover.HookRunner;
import dev.vigil.failover.Targets;
import dev.vigil.quorum.DownReports;
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
 * elections, leads failovers, and adopts newer config epochs on sight. Durable state lives in
 * its {@link Ballot}. Single-threaded: every method runs on the watcher's scheduler thread.
 *
 * <p>Longer than 400 lines because this is where the steps meet: SDOWN, ODOWN, the election
 * and the failover run all read and change the same few fields (sdown, odown, leader, the
 * election, the run), and each step's effect on the others is easiest to check in one place.
 * The decisions themselves live in small pure classes: {@link Prober}, {@link DownReports},
 * {@link dev.vigil.election.VoteRule}, {@link Ballot}, {@link FailoverRun}.
 */
final class GroupWatch implements Prober.Listener, FailoverRun.Host {
    /**
     * Candidacy order: the i-th watcher (by id) of those seeing the primary down waits i slots.
     * A slot must cover an SDOWN report's push plus a vote request's trip, on a busy host too
     * (150 ms still split a fifth of the lab's elections on 2 loaded cores); it costs nothing
     * while the first watcher is alive, since the others grant its request.
     */
    private static final long CANDIDACY_SLOT_MS = 300;
    private static final long ELECTION_JITTER_MS = 10;
    private static final String OWN = "own failover";
    private static final long ELECTION_TIMEOUT_MIN_MS = 300;
    private static final long ELECTION_TIMEOUT_SPAN_MS = 300;

    private final Watcher w;
    private final GroupConfig cfg;
    private final Timings t;
    private final Ballot ballot;
    private final Map<NodeId, Prober> probers = new LinkedHashMap<>();
    private final DownReports reports = new DownReports();
    private final Fingerprints fp;

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
    /** Non-null while this watcher, started without state, learns the terms (it neither votes nor leads). */
    private Catchup catchup;

    GroupWatch(Watcher w, GroupConfig cfg) {
        this.w = w;
        this.cfg = cfg;
        this.t = cfg.timings();
        this.fp = new Fingerprints(w.id().value(), cfg.id(), w.fingerprint(cfg), w.sink());
        long now = w.scheduler().nowMillis();
        this.ballot = new Ballot(cfg.id(), cfg.initialPrimary(), w.store(), now);
        // A restarted watcher cannot know when the last failover was: assume just now.
        lastFailoverAt = ballot.restored() ? now : now - t.failoverTimeoutMs();
        int needed = Catchup.needed(w.peers().size() + 1);
        if (!ballot.restored() && needed > 0) {
            catchup = new Catchup(needed, now, ELECTION_TIMEOUT_MIN_MS + ELECTION_TIMEOUT_SPAN_MS);
        }
        for (NodeConfig n : cfg.nodes()) {
            probers.put(n.id(), new Prober(n.id(), t, w.scheduler(), w.agents(), (inc, ack) -> probeRequest(n.id(), inc, ack), this,
                    w.ackRule()));
        }
    }

    void start() {
        if (catchup != null) {
            w.sink().emit(new Event.StateLearning(now(), w.id().value(), cfg.id(), true, ballot.term(), catchup.progress()));
        }
        for (Prober p : probers.values()) {
            p.start(w.probePhase(p.node()) % t.probeIntervalMs());
        }
    }

    void stop() {
        probers.values().forEach(Prober::stop);
        cancel(startTimer);
        cancel(electionTimer);
        if (run != null) {
            run.cancel("watcher stopping");
        }
    }

    private NodeId primary() {
        return ballot.primary();
    }

    private long now() {
        return w.scheduler().nowMillis();
    }

    // ---- probing and SDOWN ----------------------------------------------------------------

    private ProbeRequest probeRequest(NodeId node, long ackIncarnation, long ack) {
        return new ProbeRequest(cfg.id(), w.id(), node, ballot.epoch(), primary(),
                ballot.vouchTerm(now(), withdrawalMs(), node), ackIncarnation, ack, ballot.term(), fp.mine());
    }

    /**
     * How long a vote withdraws this watcher's vouch ({@link Ballot#vouchTerm}): the leader's
     * failover-timeout, the election's longest life before it, and the half failover-timeout in
     * which the node promoted last may count older vouches, after a Promote itself up to half a
     * failover-timeout late.
     */
    private long withdrawalMs() {
        return 2 * t.failoverTimeoutMs() + ELECTION_TIMEOUT_MIN_MS + ELECTION_TIMEOUT_SPAN_MS;
    }

    @Override
    public boolean accept(Prober prober, ProbeReply reply) {
        // An agent on another file still answers for its node; it is shown, and its lease is its own.
        fp.check(now(), Fingerprints.AGENT, reply.node().value(), reply.fingerprint(), "probe reply", "reply used");
        // An agent's newer epoch is adopted when it names another node (learned from a watcher)
        // or when the agent holds the IP as that epoch's primary: its promotion is complete.
        if (reply.configEpoch() > ballot.epoch() && reply.primary() != null && cfg.node(reply.primary()).isPresent()
                && (!reply.primary().equals(reply.node()) || reply.holdsIp())) {
            adoptEpoch(reply.configEpoch(), reply.primary(), "agent " + reply.node());
        }
        if (!reply.serving()) {
            return false;
        }
        // An agent that obeyed a newer term than our epoch, and not as its new primary, has been
        // told to step down: it is no longer a primary, whatever it answers.
        return !reply.node().equals(primary()) || reply.highestTerm() <= ballot.epoch()
                || (reply.configEpoch() == reply.highestTerm() && reply.node().equals(reply.primary()));
    }

    @Override
    public void changed(Prober prober) {
        if (prober.node().equals(primary())) {
            updateSdown();
        }
    }

    @Override
    public boolean answers(NodeId node) {
        Prober p = probers.get(node);
        return p != null && p.answers(now());
    }

    private void updateSdown() {
        long now = now();
        Prober p = probers.get(primary());
        boolean down = p.down(now);
        if (down == sdown) {
            return;
        }
        sdown = down;
        String reason = down ? "no valid reply for " + p.silentFor(now) + " ms > down-after " + t.downAfterMs() + " ms"
                : "valid reply";
        w.sink().emit(new Event.SdownChanged(now, w.id(), cfg.id(), primary(), down, reason));
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
        return new Hello(cfg.id(), w.id(), ballot.term(), ballot.epoch(), primary(), sdown && !w.tilt(), leader,
                fp.mine());
    }

    private void helloPeers() {
        lastHelloAt = now();
        Hello h = hello();
        for (WatcherId p : w.peers()) {
            w.transport().hello(p, h);
        }
    }

    private void queryPeers() {
        lastQueryAt = now();
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
        // A peer on another file counts its quorum differently: its SDOWN does not count here.
        // Its epoch, term and leader are still taken: each came from an election of its own
        // majority, which a one-watcher-at-a-time change makes intersect ours (README).
        boolean same = fp.check(now(), Fingerprints.WATCHER, h.from().value(), h.fingerprint(), "hello",
                "its SDOWN report does not count");
        reports.record(h.from(), same && h.sdown(), h.configEpoch(), now());
        if (catchup != null) {
            catchup.heard(h.from().value(), h.term());
        }
        if (h.configEpoch() > ballot.epoch() && h.primary() != null && cfg.node(h.primary()).isPresent()) {
            adoptEpoch(h.configEpoch(), h.primary(), "hello from " + h.from());
        }
        observeTerm(h.term());
        if (h.leader() != null && h.term() == ballot.term() && leader == null) {
            leader = h.leader();
            leaderSeenAt = now();
            lastLeader = h.leader();
        }
        checkCatchup();
        updateOdown();
    }

    /** Ends the catch-up once a majority of peers has answered: their highest term, abstaining in it. */
    private void checkCatchup() {
        if (catchup == null || !catchup.done(now())) {
            return;
        }
        ballot.abstain(w.id(), catchup.highestTerm());
        catchup = null;
        w.sink().emit(new Event.StateLearning(now(), w.id().value(), cfg.id(), false, ballot.term(),
                "learned from a majority of the other watchers; abstains in term " + ballot.term()));
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
        long now = now();
        boolean own = sdown && !w.tilt();
        List<WatcherId> peersDown = own ? reports.down(now, t.reportTtlMs(), ballot.epoch()) : List.of();
        int count = (own ? 1 : 0) + peersDown.size();
        boolean down = own && count >= cfg.quorum();
        if (down != odown) {
            odown = down;
            w.sink().emit(new Event.OdownChanged(now, w.id(), cfg.id(), primary(), down, count, cfg.quorum()));
        }
    }

    // ---- elections ------------------------------------------------------------------------

    private void observeTerm(long seen) {
        if (!ballot.observe(seen)) {
            return;
        }
        leader = null;
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
        WatcherId votedFor = ballot.votedFor();
        if (votedFor != null && !votedFor.equals(w.id())) {
            wait = Math.max(wait, ballot.voteAt() + ELECTION_TIMEOUT_MIN_MS + ELECTION_TIMEOUT_SPAN_MS - now);
        }
        return Math.max(0, wait);
    }

    /**
     * Watchers reach ODOWN within a few ms of each other (when the quorum-th SDOWN report
     * lands), so a random delay the size of a round trip would often split the vote. Instead the
     * watchers that see the primary down go in id order, a slot apart: the first asks at once
     * and the others, a slot later, find its request already there and grant it.
     */
    private long candidacyDelay(long now) {
        long rank = reports.down(now, t.reportTtlMs(), ballot.epoch()).stream()
                .filter(x -> x.compareTo(w.id()) < 0).count();
        return rank * CANDIDACY_SLOT_MS + w.random().nextLong(ELECTION_JITTER_MS);
    }

    private void maybeStartElection() {
        if (!odown || w.tilt() || catchup != null || run != null || election != null || startTimer != null) {
            return;
        }
        long delay = electionWait(now()) + candidacyDelay(now());
        startTimer = w.scheduler().schedule(delay, () -> {
            startTimer = null;
            refreshOdown();
            if (!odown || w.tilt() || run != null || election != null) {
                return;
            }
            if (electionWait(now()) > 0) {
                maybeStartElection();
            } else {
                startElection("odown", false, null);
            }
        });
    }

    private void startElection(String cause, boolean manual, NodeId target) {
        long now = now();
        long term = ballot.term() + 1;
        ballot.vote(w.id(), term, now, manual ? target : null);
        leader = null;
        election = new Election(term, w.votesNeeded(cfg), manual, target);
        election.grant(w.id());
        List<WatcherId> down = manual ? List.of() : reports.down(now, t.reportTtlMs(), ballot.epoch());
        w.sink().emit(new Event.ElectionStarted(now, w.id(), cfg.id(), term, cause, down));
        w.sink().emit(new Event.VoteGranted(now, w.id(), cfg.id(), term, w.id()));
        if (election.won()) {
            win();
            return;
        }
        var req = new VoteRequest(cfg.id(), w.id(), term, ballot.epoch(), manual, target, fp.mine());
        for (WatcherId p : w.peers()) {
            w.transport().requestVote(p, req, this::onVoteReply);
        }
        electionTimer = w.scheduler().schedule(
                ELECTION_TIMEOUT_MIN_MS + w.random().nextLong(ELECTION_TIMEOUT_SPAN_MS), () -> electionTimeout(term));
    }

    private void onVoteReply(VoteReply r) {
        observeTerm(r.term());
        boolean same = fp.check(now(), Fingerprints.WATCHER, r.voter().value(), r.fingerprint(), "vote reply",
                "its vote does not count");
        if (!same || election == null || r.term() != election.term() || !r.granted()) {
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
        if (e.manual() && now() < manualDeadline) {
            startElection("manual retry", true, e.target());
        } else {
            maybeStartElection();
        }
    }

    private void lose(String reason) {
        Election e = election;
        election = null;
        cancel(electionTimer);
        w.sink().emit(new Event.ElectionLost(now(), w.id(), cfg.id(), e.term(), e.votes(), e.needed(), reason));
    }

    private void win() {
        Election e = election;
        election = null;
        cancel(electionTimer);
        String cause = e.manual() ? "manual" : "odown";
        w.sink().emit(new Event.LeaderElected(now(), w.id(), cfg.id(), e.term(), e.votes(), e.needed(), cause));
        lead(e.term(), e.manual() ? FailoverRun.Mode.MANUAL : FailoverRun.Mode.AUTO, e.target());
    }

    private void lead(long runTerm, FailoverRun.Mode mode, NodeId target) {
        leader = w.id();
        leaderSeenAt = now();
        lastLeader = w.id();
        run = new FailoverRun(this, runTerm, mode, primary(), target);
        helloPeers();
        run.start();
    }

    VoteReply onRequestVote(VoteRequest r) {
        if (!w.isPeer(r.candidate())) {
            throw new ProtocolException(ProtocolException.Code.INVALID_ARGUMENT, "not a configured peer: " + r.candidate());
        }
        observeTerm(r.term());
        long now = now();
        if (catchup != null) {
            w.sink().emit(new Event.VoteRefused(now, w.id(), cfg.id(), r.term(), r.candidate(), catchup.progress()));
            return new VoteReply(cfg.id(), w.id(), ballot.term(), false, catchup.progress(), fp.mine());
        }
        var view = new VoterView(ballot.term(), ballot.votedFor(), ballot.epoch(), primary(), w.tilt(),
                probers.get(primary()).silentFor(now), t.fenceAfterMs() + t.probeTimeoutMs(),
                now - lastFailoverAt < t.failoverTimeoutMs(), r.target() != null && answers(r.target()));
        String why = fp.check(now, Fingerprints.WATCHER, r.candidate().value(), r.fingerprint(), "vote request",
                "vote refused") ? w.voteRule().refusal(view, r) : fp.refusal(r.fingerprint());
        if (why != null) {
            w.sink().emit(new Event.VoteRefused(now, w.id(), cfg.id(), r.term(), r.candidate(), why));
            return new VoteReply(cfg.id(), w.id(), ballot.term(), false, why, fp.mine());
        }
        ballot.vote(r.candidate(), r.term(), now, r.manual() ? r.target() : null);
        w.sink().emit(new Event.VoteGranted(now, w.id(), cfg.id(), r.term(), r.candidate()));
        return new VoteReply(cfg.id(), w.id(), ballot.term(), true, "granted", fp.mine());
    }

    // ---- failover -------------------------------------------------------------------------

    /** An operator's request (DESIGN.md step 10). Returns the term the failover runs in. */
    long requestFailover(NodeId to, boolean force, NodeId from) {
        if (from != null && !from.equals(primary())) {
            throw new ProtocolException(ProtocolException.Code.FAILED_PRECONDITION, from + " is not the primary of "
                    + cfg.id() + ": config epoch " + ballot.epoch() + " names " + primary());
        }
        if (to != null && cfg.node(to).isEmpty()) {
            throw new ProtocolException(ProtocolException.Code.UNKNOWN_NODE, "group " + cfg.id() + " has no node " + to);
        }
        if (to != null && to.equals(primary())) {
            throw new ProtocolException(ProtocolException.Code.FAILED_PRECONDITION, to + " is already the primary");
        }
        if (catchup != null) {
            throw new ProtocolException(ProtocolException.Code.FAILED_PRECONDITION, w.id() + ": " + catchup.progress());
        }
        if (w.tilt()) {
            throw new ProtocolException(ProtocolException.Code.FAILED_PRECONDITION, w.id()
                    + " is in TILT (its own scheduler stalled; its timings cannot be trusted): ask another watcher");
        }
        if (run != null || election != null) {
            long busy = run != null ? run.term() : election.term();
            throw new ProtocolException(ProtocolException.Code.FAILED_PRECONDITION,
                    "a failover of " + cfg.id() + " is already running in term " + busy);
        }
        // Checked before anything is demoted: a switchover to a node that does not answer would
        // take a healthy primary down for nothing (Sentinel's -NOGOODSLAVE).
        NodeId target = Targets.choose(cfg, primary(), to, this::answers);
        if (target == null) {
            String why = to != null ? to + " has not answered " + w.id() + " within probe-interval + probe-timeout ("
                    + (t.probeIntervalMs() + t.probeTimeoutMs()) + " ms; last valid reply " + probers.get(to).silentFor(now())
                    + " ms ago)" : "no standby of " + cfg.id() + " has answered " + w.id() + " within probe-interval + "
                    + "probe-timeout (" + (t.probeIntervalMs() + t.probeTimeoutMs()) + " ms)";
            w.sink().emit(new Event.FailoverRefused(now(), w.id(), cfg.id(), to, why));
            throw new ProtocolException(ProtocolException.Code.FAILED_PRECONDITION, why);
        }
        cancel(startTimer);
        startTimer = null;
        if (!force) {
            manualDeadline = now() + t.failoverTimeoutMs();
            startElection("manual", true, target);
            return ballot.term();
        }
        long term = ballot.term() + 1;
        ballot.vote(w.id(), term, now(), null);
        w.sink().emit(new Event.LeaderElected(now(), w.id(), cfg.id(), term, 1, 1,
                "FORCED by operator: no election, no quorum, split brain possible"));
        lead(term, FailoverRun.Mode.FORCE, target);
        return term;
    }

    @Override
    public void completed(FailoverRun r, NodeId newPrimary) {
        finished(r, newPrimary);
        adoptEpoch(r.term(), newPrimary, OWN);
    }

    private void finished(FailoverRun r, NodeId newPrimary) {
        if (run == r) {
            run = null;
        }
        lastFailoverTookMs = now() - r.startedAt();
        w.sink().emit(new Event.FailoverCompleted(now(), w.id(), cfg.id(), r.term(), r.oldPrimary(), newPrimary,
                lastFailoverTookMs));
        // Tell the operator's world (a log, a webhook); the runner logs the outcome, nothing waits on it.
        w.hooks().run(new HookCall(HookKind.NOTIFY, cfg.id(), r.term(), r.oldPrimary(), newPrimary), res -> { });
    }

    @Override
    public void aborted(FailoverRun r, String reason) {
        if (run == r) {
            run = null;
        }
        w.sink().emit(new Event.FailoverAborted(now(), w.id(), cfg.id(), r.term(), reason));
        if (odown) {
            maybeStartElection();
        }
    }

    private void adoptEpoch(long newEpoch, NodeId newPrimary, String source) {
        NodeId oldPrimary = primary();
        if (!ballot.install(newEpoch, newPrimary)) {
            return;
        }
        long now = now();
        if (catchup == null) {
            lastFailoverAt = now; // an epoch learned while catching up is no failover that just happened
        }
        if (!source.equals(OWN) && (run == null || run.term() != newEpoch)) {
            lastFailoverTookMs = -1; // someone else led it; only its leader knows how long it took
        }
        if (ballot.votedFor() == null) {
            leader = null;
        }
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
        checkCatchup();
        updateOdown();
        if ((sdown && !w.tilt() || catchup != null) && now - lastQueryAt >= t.probeIntervalMs()) {
            queryPeers();
        } else if (run != null || now - lastHelloAt >= t.helloIntervalMs()) {
            // A leader repeats its announcement while it runs, so no voter mistakes its
            // silence for a lost election and starts a competing term.
            helloPeers();
        }
    }

    void tiltChanged() {
        if (w.tilt() && election != null) {
            lose("tilt");
        }
        if (w.tilt() && run != null) {
            // Our own timings are suspect; the queued steps of a stalled leader must not go out.
            run.cancel("tilt");
        }
        helloPeers();
        updateOdown();
    }

    GroupStatus status() {
        long now = now();
        var silent = new LinkedHashMap<NodeId, Long>();
        probers.forEach((n, p) -> silent.put(n, p.silentFor(now)));
        return new GroupStatus(cfg.id(), primary(), ballot.epoch(), ballot.term(), sdown && !w.tilt(), odown,
                lastLeader, run != null ? run.term() : 0, now - lastFailoverAt, lastFailoverTookMs, silent, fp.mine(),
                fp.peers(), catchup == null ? null : catchup.progress());
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

    @Override
    public String fingerprint() {
        return fp.mine();
    }
}
