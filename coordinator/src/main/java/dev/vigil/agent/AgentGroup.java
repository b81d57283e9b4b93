package dev.vigil.agent;

import dev.vigil.config.GroupConfig;
import dev.vigil.core.Event;
import dev.vigil.core.NodeId;
import dev.vigil.election.Catchup;
import dev.vigil.failover.HookCall;
import dev.vigil.failover.HookKind;
import dev.vigil.failover.HookResult;
import dev.vigil.store.AgentState;
import dev.vigil.transport.AgentReply;
import dev.vigil.transport.ProbeReply;
import dev.vigil.transport.ProbeRequest;
import dev.vigil.transport.PromoteRequest;
import dev.vigil.transport.ReleaseRequest;
import java.util.List;
import java.util.function.Consumer;

/**
 * One agent's state for one group. The rule is a single line: hold the floating IP exactly
 * while this node is the primary of the config epoch it knows, has obeyed no newer term, a
 * majority of watchers vouch for it ({@link Lease}) and the agent is not stopping ({@link #leave}).
 * Commands, probes and time only change the inputs; {@link #evaluate()} moves the IP, a hook at a time.
 *
 * <p>Promote in term T raises the fencing token to T at once, but the node becomes primary of
 * epoch T (and says so to probes) only once its promote hook has succeeded; then the acquire
 * hook follows. A hook that fails permanently makes the node report itself not serving for
 * failover-timeout, so the next leader chooses another. Commands from a term below the fencing
 * token are refused.
 */
final class AgentGroup {
    private static final long RETRY_MS = 250;

    private final Agent a;
    private final GroupConfig cfg;
    private final Lease lease;

    private long highestTerm;
    private long epoch;
    private NodeId primary;

    /** Whether the IP is configured here, as far as the last successful hook said. */
    private boolean holds;
    /** False after a failed hook, and at start unless the state file says the IP is not here. */
    private boolean known;
    /** Persisted: false only while no acquire has started since the last successful release. */
    private boolean mayHold;
    private boolean busy;
    private long retryAt;
    private long promoting;
    private long brokenUntil = Long.MIN_VALUE;
    private boolean serviceOk = true;
    private final Waiters waiters = new Waiters();
    private boolean demoting;
    private long demotedTerm;
    private final LeaseTimer leaseTimer;
    private boolean stopped;
    /** Non-null while this agent, started without state, learns its fencing token from the watchers. */
    private Catchup catchup;
    private boolean leaving; // stopping: the IP goes, whatever the lease says, and is not taken again
    private long promotedTerm;

    AgentGroup(Agent a, GroupConfig cfg) {
        this.a = a;
        this.cfg = cfg;
        this.lease = new Lease(cfg.timings().fenceAfterMs(), a.majority());
        this.leaseTimer = new LeaseTimer(a.scheduler());
        AgentState s = a.store().load(cfg.id());
        if (s == null) {
            primary = cfg.initialPrimary();
            mayHold = true; // a first run, or a lost state directory: the IP may be here
            // and a token obeyed before may be lost: the terms of a majority of watchers hold it
            catchup = new Catchup(a.majority(), a.scheduler().nowMillis(), 0);
        } else {
            highestTerm = s.highestTerm();
            epoch = s.configEpoch();
            primary = s.primary();
            mayHold = s.mayHoldIp();
        }
    }

    void start() {
        if (catchup != null) {
            a.sink().emit(new Event.StateLearning(a.scheduler().nowMillis(), a.self().value(), cfg.id(), true, 0,
                    catchup.progress()));
        }
        if (!mayHold) {
            known = true;
            a.sink().emit(new Event.IpChanged(a.scheduler().nowMillis(), a.self(), cfg.id(), false,
                    "not here: the state file says the last run released it, so no release hook"));
        }
        evaluate();
    }

    void stop() {
        stopped = true;
        leaseTimer.cancel();
    }

    void leave() {
        leaving = true;
        evaluate();
    }

    boolean primary() {
        return a.self().equals(primary) && highestTerm <= epoch;
    }

    boolean mayBeHere() {
        return holds || !known || busy;
    }

    ProbeReply onProbe(ProbeRequest r) {
        long now = a.scheduler().nowMillis();
        if (catchup != null) {
            learn(r, now);
        }
        if (r.configEpoch() > epoch && r.primary() != null && cfg.node(r.primary()).isPresent()) {
            long term = Math.max(highestTerm, r.configEpoch());
            a.store().save(cfg.id(), new AgentState(term, r.configEpoch(), r.primary(), mayHold)); // disk first
            epoch = r.configEpoch();
            primary = r.primary();
            highestTerm = term;
            a.sink().emit(new Event.AgentEpochAdopted(now, a.self(), cfg.id(), epoch, primary, r.watcher()));
        }
        // Only this incarnation's stamps ack: an earlier run's clock may have been ahead or behind.
        if (r.ackIncarnation() == a.incarnation() && r.ackStamp() <= now) {
            lease.probe(r.watcher(), r.ackStamp(), r.vouchTerm(), a.self().equals(r.primary()));
        }
        evaluate();
        return reply(now);
    }

    /** A watcher's term toward the token this agent may have had; at a majority, the highest becomes the token. */
    private void learn(ProbeRequest r, long now) {
        catchup.heard(r.watcher().value(), Math.max(r.term(), r.configEpoch()));
        long token = Math.max(highestTerm, catchup.highestTerm());
        if (!catchup.done(now)) {
            return;
        }
        a.store().save(cfg.id(), new AgentState(token, epoch, primary, mayHold));
        highestTerm = token;
        catchup = null;
        a.sink().emit(new Event.StateLearning(now, a.self().value(), cfg.id(), false, token,
                "fencing token learned from a majority of the watchers"));
    }

    ProbeReply reply(long now) {
        return new ProbeReply(cfg.id(), a.self(), serviceOk && now >= brokenUntil, a.incarnation(), now, epoch, primary,
                highestTerm, holds, a.fingerprint(cfg.id()));
    }

    /** The local service check's verdict: a node whose service fails answers probes "not serving". */
    void service(boolean ok, String reason) {
        if (ok != serviceOk) {
            serviceOk = ok;
            a.sink().emit(new Event.ServiceChanged(a.scheduler().nowMillis(), a.self(), cfg.id(), ok, reason));
        }
    }

    void onPromote(PromoteRequest r, Consumer<AgentReply> reply) {
        if (refuse(r.term(), "promote", reply)) {
            return;
        }
        // Past the fencing check, the request's term is the agent's (equal or higher).
        if (r.term() != highestTerm) {
            obey(r.term(), "promote by " + r.leader());
        }
        if (r.term() > promotedTerm) {
            // The voters' next probes bring the new term; until then, for half a failover-timeout
            // (which their votes outlast, Ballot#vouchTerm), their older vouches count here.
            promotedTerm = r.term();
            lease.promoted(a.scheduler().nowMillis() + cfg.timings().failoverTimeoutMs() / 2);
        }
        waiters.promote(r.term(), reply);
        if (epoch == r.term() && a.self().equals(primary)) {
            evaluate();
            return;
        }
        if (promoting == r.term()) {
            return;
        }
        promoting = r.term();
        long term = r.term();
        a.hooks().run(new HookCall(HookKind.PROMOTE, cfg.id(), term, r.oldPrimary(), a.self()), res -> {
            if (promoting == term) {
                promoting = 0;
            }
            a.hookFinished(cfg.id(), HookKind.PROMOTE, res);
            if (stopped) {
                return;
            }
            if (!res.outcome().succeeded()) {
                failed(term, "promote", res);
            } else if (term == highestTerm && term > epoch) {
                // disk first: a failed write (a full disk) leaves nothing to acquire on; one write
                a.store().save(cfg.id(), new AgentState(highestTerm, term, a.self(), true));
                epoch = term;
                primary = a.self();
                mayHold = true;
            }
            evaluate();
        });
    }

    void onRelease(ReleaseRequest r, Consumer<AgentReply> reply) {
        if (refuse(r.term(), r.demote() ? "demote" : "release", reply)) {
            return;
        }
        waiters.release(reply);
        if (!r.demote() || demotedTerm >= r.term()) {
            obeyRelease(r);
            return;
        }
        // Graceful order: the demote hook first (the service stops taking writes), then release.
        if (demoting) {
            return;
        }
        demoting = true;
        a.hooks().run(new HookCall(HookKind.DEMOTE, cfg.id(), r.term(), a.self(), null), res -> {
            demoting = false;
            a.hookFinished(cfg.id(), HookKind.DEMOTE, res);
            if (stopped) {
                return;
            }
            if (a.fencing().stale(r.term(), highestTerm)) {
                // A newer term was obeyed while the hook ran: this request is history.
                waiters.answerRelease(stale(r.term()));
                evaluate();
            } else if (res.outcome().succeeded()) {
                demotedTerm = r.term();
                obeyRelease(r);
            } else {
                waiters.answerRelease(new AgentReply(AgentReply.Outcome.RETRYABLE, "demote hook " + res.outcome(), highestTerm));
            }
        });
    }

    private void obeyRelease(ReleaseRequest r) {
        if (r.term() != highestTerm) {
            obey(r.term(), (r.demote() ? "demote by " : "release by ") + r.leader());
        }
        evaluate();
    }

    /** Raises the fencing token: on disk first, so a failed save (it throws) obeys nothing. */
    private void obey(long term, String command) {
        a.store().save(cfg.id(), new AgentState(term, epoch, primary, mayHold));
        highestTerm = term;
        a.sink().emit(new Event.AgentObeyed(a.scheduler().nowMillis(), a.self(), cfg.id(), term, command));
    }

    private boolean refuse(long term, String command, Consumer<AgentReply> reply) {
        if (catchup != null) {
            a.sink().emit(new Event.AgentRefused(a.scheduler().nowMillis(), a.self(), cfg.id(), term, highestTerm,
                    command, catchup.progress()));
            reply.accept(new AgentReply(AgentReply.Outcome.RETRYABLE, catchup.progress(), highestTerm));
            return true;
        }
        if (!a.fencing().stale(term, highestTerm)) {
            return false;
        }
        a.sink().emit(new Event.AgentRefused(a.scheduler().nowMillis(), a.self(), cfg.id(), term, highestTerm, command,
                "below the fencing token"));
        reply.accept(stale(term));
        return true;
    }

    private AgentReply stale(long term) {
        return new AgentReply(AgentReply.Outcome.STALE_TERM,
                "term " + term + " is below the fencing token " + highestTerm, highestTerm);
    }

    // ---- the one rule ---------------------------------------------------------------------

    private boolean wantHold(long now) {
        return !leaving && now >= brokenUntil && primary()
                && a.fencing().mayHold(lease.held(leaseNeededUntil(now), epoch));
    }

    /** Keeping the IP needs a lease now; taking it, one that lasts {@link Lease#takeMarginMs} more. */
    private long leaseNeededUntil(long now) {
        return holds && known ? now : now + Lease.takeMarginMs(cfg.timings());
    }

    private String why(long now, boolean want) {
        int live = lease.live(leaseNeededUntil(now), epoch);
        if (want) {
            return "primary of epoch " + epoch + ", lease " + live + "/" + a.watchers();
        }
        if (leaving) {
            return "stopping: the agent lets go before it exits";
        }
        if (now < brokenUntil) {
            return "a hook failed for good: not serving for another " + (brokenUntil - now) + " ms";
        }
        if (!a.self().equals(primary)) {
            return "epoch " + epoch + " names " + primary + " primary";
        }
        if (highestTerm > epoch) {
            return "told to step down in term " + highestTerm;
        }
        return (holds ? "lease lost: " : "no lease: ") + live + " of " + a.watchers() + " watchers vouch"
                + (holds ? "" : " for another probe interval") + ", " + a.majority() + " needed";
    }

    void evaluate() {
        if (busy || stopped) {
            return;
        }
        long now = a.scheduler().nowMillis();
        if (now < retryAt) {
            a.scheduler().schedule(retryAt - now, this::evaluate);
            return;
        }
        boolean want = wantHold(now);
        if (!known || want != holds) {
            change(want, why(now, want));
            return;
        }
        settle(now, want);
        armLeaseTimer(now);
    }

    private void change(boolean acquire, String reason) {
        if (acquire && !mayHold) {
            // on disk before the hook can configure anything, and only then here
            a.store().save(cfg.id(), new AgentState(highestTerm, epoch, primary, true));
            mayHold = true;
        }
        busy = true;
        HookKind kind = acquire ? HookKind.ACQUIRE : HookKind.RELEASE;
        long term = highestTerm; // the term that decided this: a release ordered in term T says T
        a.hooks().run(new HookCall(kind, cfg.id(), term, null, primary), res -> {
            busy = false;
            a.hookFinished(cfg.id(), kind, res);
            long now = a.scheduler().nowMillis();
            if (res.outcome().succeeded()) {
                holds = acquire;
                known = true;
                if (!acquire && mayHold) {
                    mayHold = false;
                    // losing it only costs a release at the next start; a quick re-acquire writes nothing
                    a.store().saveLater(cfg.id(), state());
                }
                a.sink().emit(new Event.IpChanged(now, a.self(), cfg.id(), acquire, reason));
            } else {
                known = false;
                if (acquire) {
                    failed(epoch, "acquire", res);
                }
                // The same step after a pause; the other (a release after a failed acquire) at once.
                retryAt = wantHold(now) == acquire ? now + RETRY_MS : now;
            }
            if (!stopped) {
                evaluate();
            }
        });
    }

    /** A hook of a promotion failed: answer its waiters; a permanent failure takes the node out of the running. */
    private void failed(long term, String hook, HookResult res) {
        boolean permanent = res.outcome() == HookResult.Outcome.PERMANENT;
        if (permanent) {
            // Out of the running, and not holding the IP meanwhile: the next leader releases only the old primary.
            brokenUntil = a.scheduler().nowMillis() + cfg.timings().failoverTimeoutMs();
            a.scheduler().schedule(cfg.timings().failoverTimeoutMs(), this::evaluate);
        }
        var outcome = permanent ? AgentReply.Outcome.PERMANENT : AgentReply.Outcome.RETRYABLE;
        waiters.answerPromote(term, new AgentReply(outcome, hook + " hook " + res.outcome() + " (exit " + res.exitCode() + ")",
                highestTerm));
    }

    private void settle(long now, boolean want) {
        if (waiters.promotesWaiting()) {
            waiters.dropPromotesBelow(Math.max(highestTerm, epoch), this::stale);
            if (epoch == highestTerm && a.self().equals(primary) && promoting == 0) {
                if (holds) {
                    waiters.answerPromote(epoch, AgentReply.ok(highestTerm));
                } else if (!want) {
                    waiters.answerPromote(epoch, new AgentReply(AgentReply.Outcome.RETRYABLE, why(now, false), highestTerm));
                }
            }
        }
        if (waiters.releasesWaiting() && !holds && !demoting) {
            waiters.answerRelease(AgentReply.ok(highestTerm));
        }
    }

    private void armLeaseTimer(long now) {
        if (holds) {
            leaseTimer.arm(now, lease.expiresAt(now, epoch), this::evaluate);
        }
    }

    private AgentState state() {
        return new AgentState(highestTerm, epoch, primary, mayHold);
    }
}
