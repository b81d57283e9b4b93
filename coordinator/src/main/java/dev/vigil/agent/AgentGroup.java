package dev.vigil.agent;

import dev.vigil.config.GroupConfig;
import dev.vigil.core.Event;
import dev.vigil.core.NodeId;
import dev.vigil.failover.HookCall;
import dev.vigil.failover.HookKind;
import dev.vigil.failover.HookResult;
import dev.vigil.store.AgentState;
import dev.vigil.time.Scheduler;
import dev.vigil.transport.AgentReply;
import dev.vigil.transport.ProbeReply;
import dev.vigil.transport.ProbeRequest;
import dev.vigil.transport.PromoteRequest;
import dev.vigil.transport.ReleaseRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One agent's state for one group. The rule is a single line: hold the floating IP exactly
 * while this node is the primary of the config epoch it knows, has obeyed no newer term, and a
 * majority of watchers vouch for it ({@link Lease}). Promote, Release, probes and the passage of
 * time only change the inputs; {@link #evaluate()} moves the IP to match, one hook at a time.
 * Commands from a term below the fencing token are refused.
 */
final class AgentGroup {
    private static final long RETRY_MS = 250;

    private final Agent a;
    private final GroupConfig cfg;
    private final Lease lease;
    private final long startedAt;

    private long highestTerm;
    private long epoch;
    private NodeId primary;

    /** Whether the IP is configured here, as far as the last successful hook said. */
    private boolean holds;
    /** False at start and after a failed or killed hook: the next evaluation runs a hook again. */
    private boolean known;
    private boolean busy;
    private long retryAt;
    private HookResult lastAcquire;
    private long promoteHookDone = -1;
    private boolean promoteHookRunning;
    private final List<Consumer<AgentReply>> promoteWaiters = new ArrayList<>();
    private final List<Consumer<AgentReply>> releaseWaiters = new ArrayList<>();
    private boolean demoteWanted;
    private Scheduler.Timer leaseTimer;
    private long leaseTimerAt = Long.MAX_VALUE;
    private boolean stopped;

    AgentGroup(Agent a, GroupConfig cfg) {
        this.a = a;
        this.cfg = cfg;
        this.lease = new Lease(cfg.timings().fenceAfterMs(), a.majority());
        this.startedAt = a.scheduler().nowMillis();
        AgentState s = a.store().load(cfg.id());
        if (s == null) {
            primary = cfg.initialPrimary();
        } else {
            highestTerm = s.highestTerm();
            epoch = s.configEpoch();
            primary = s.primary();
        }
    }

    void start() {
        evaluate();
    }

    void stop() {
        stopped = true;
        if (leaseTimer != null) {
            leaseTimer.cancel();
        }
    }

    ProbeReply onProbe(ProbeRequest r) {
        long now = a.scheduler().nowMillis();
        if (r.configEpoch() > epoch && r.primary() != null && cfg.node(r.primary()).isPresent()) {
            epoch = r.configEpoch();
            primary = r.primary();
            highestTerm = Math.max(highestTerm, epoch);
            persist();
            a.sink().emit(new Event.AgentEpochAdopted(now, a.self(), cfg.id(), epoch, primary, r.watcher()));
        }
        // A stamp this incarnation never issued (before it started, or in the future) acks nothing.
        if (r.ackStamp() >= startedAt && r.ackStamp() <= now) {
            lease.probe(r.watcher(), r.ackStamp(), r.vouchTerm());
        }
        evaluate();
        return reply(now);
    }

    ProbeReply reply(long now) {
        return new ProbeReply(cfg.id(), a.self(), true, now, epoch, primary, highestTerm, holds);
    }

    void onPromote(PromoteRequest r, Consumer<AgentReply> reply) {
        if (refuse(r.term(), "promote", reply)) {
            return;
        }
        if (r.term() != highestTerm || r.term() != epoch || !a.self().equals(primary)) {
            highestTerm = r.term();
            epoch = r.term();
            primary = a.self();
            persist();
            a.sink().emit(new Event.AgentObeyed(a.scheduler().nowMillis(), a.self(), cfg.id(), r.term(),
                    "promote by " + r.leader()));
        }
        promoteWaiters.add(reply);
        if (promoteHookDone == epoch) {
            evaluate();
            return;
        }
        if (promoteHookRunning) {
            return;
        }
        promoteHookRunning = true;
        long term = epoch;
        a.hooks().run(new HookCall(HookKind.PROMOTE, cfg.id(), term, r.oldPrimary(), a.self()), res -> {
            promoteHookRunning = false;
            hookDone(HookKind.PROMOTE, res);
            if (res.outcome().succeeded()) {
                promoteHookDone = term;
                evaluate();
            } else {
                answerPromote(new AgentReply(outcomeOf(res), "promote hook " + res.outcome(), highestTerm));
            }
        });
    }

    void onRelease(ReleaseRequest r, Consumer<AgentReply> reply) {
        if (refuse(r.term(), r.demote() ? "demote" : "release", reply)) {
            return;
        }
        if (r.term() > highestTerm) {
            highestTerm = r.term();
            persist();
            a.sink().emit(new Event.AgentObeyed(a.scheduler().nowMillis(), a.self(), cfg.id(), r.term(),
                    (r.demote() ? "demote by " : "release by ") + r.leader()));
        }
        demoteWanted |= r.demote();
        releaseWaiters.add(reply);
        evaluate();
    }

    private boolean refuse(long term, String command, Consumer<AgentReply> reply) {
        if (!a.fencing().stale(term, highestTerm)) {
            return false;
        }
        a.sink().emit(new Event.AgentRefused(a.scheduler().nowMillis(), a.self(), cfg.id(), term, highestTerm, command));
        reply.accept(new AgentReply(AgentReply.Outcome.STALE_TERM,
                "term " + term + " is below the fencing token " + highestTerm, highestTerm));
        return true;
    }

    // ---- the one rule ---------------------------------------------------------------------

    private boolean wantHold(long now) {
        return a.self().equals(primary) && highestTerm <= epoch && lease.held(now, epoch);
    }

    private String why(long now, boolean want) {
        int live = lease.live(now, epoch);
        if (want) {
            return "primary of epoch " + epoch + ", lease " + live + "/" + a.watchers();
        }
        if (!a.self().equals(primary)) {
            return "epoch " + epoch + " names " + primary + " primary";
        }
        if (highestTerm > epoch) {
            return "told to step down in term " + highestTerm;
        }
        return "lease lost: " + live + " of " + a.watchers() + " watchers vouch, " + a.majority() + " needed";
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
        busy = true;
        HookKind kind = acquire ? HookKind.ACQUIRE : HookKind.RELEASE;
        a.hooks().run(new HookCall(kind, cfg.id(), epoch, null, primary), res -> {
            busy = false;
            hookDone(kind, res);
            long now = a.scheduler().nowMillis();
            if (res.outcome().succeeded()) {
                holds = acquire;
                known = true;
                a.sink().emit(new Event.IpChanged(now, a.self(), cfg.id(), acquire, reason));
            } else {
                known = false;
                retryAt = now + RETRY_MS;
            }
            if (acquire) {
                lastAcquire = res;
            }
            if (!stopped) {
                evaluate();
            }
        });
    }

    private void settle(long now, boolean want) {
        if (!promoteWaiters.isEmpty() && promoteHookDone == epoch && a.self().equals(primary)) {
            if (holds) {
                answerPromote(AgentReply.ok(highestTerm));
            } else if (lastAcquire != null && !lastAcquire.outcome().succeeded()) {
                HookResult r = lastAcquire;
                lastAcquire = null;
                answerPromote(new AgentReply(outcomeOf(r), "acquire hook " + r.outcome(), highestTerm));
            } else if (!want) {
                answerPromote(new AgentReply(AgentReply.Outcome.RETRYABLE, why(now, false), highestTerm));
            }
        } else if (!promoteWaiters.isEmpty() && !a.self().equals(primary)) {
            answerPromote(new AgentReply(AgentReply.Outcome.STALE_TERM, why(now, false), highestTerm));
        }
        if (!releaseWaiters.isEmpty() && !holds) {
            if (demoteWanted) {
                demoteWanted = false;
                busy = true;
                a.hooks().run(new HookCall(HookKind.DEMOTE, cfg.id(), highestTerm, a.self(), null), res -> {
                    busy = false;
                    hookDone(HookKind.DEMOTE, res);
                    answerRelease(res.outcome().succeeded() ? AgentReply.ok(highestTerm)
                            : new AgentReply(outcomeOf(res), "demote hook " + res.outcome(), highestTerm));
                    evaluate();
                });
            } else {
                answerRelease(AgentReply.ok(highestTerm));
            }
        }
    }

    private void answerPromote(AgentReply r) {
        List<Consumer<AgentReply>> w = new ArrayList<>(promoteWaiters);
        promoteWaiters.clear();
        w.forEach(c -> c.accept(r));
    }

    private void answerRelease(AgentReply r) {
        List<Consumer<AgentReply>> w = new ArrayList<>(releaseWaiters);
        releaseWaiters.clear();
        w.forEach(c -> c.accept(r));
    }

    private void armLeaseTimer(long now) {
        if (!holds) {
            return;
        }
        long at = lease.expiresAt(now, epoch);
        if (at == Long.MAX_VALUE || (leaseTimer != null && leaseTimerAt <= at)) {
            return;
        }
        if (leaseTimer != null) {
            leaseTimer.cancel();
        }
        leaseTimerAt = at;
        leaseTimer = a.scheduler().schedule(at - now, () -> {
            leaseTimer = null;
            leaseTimerAt = Long.MAX_VALUE;
            evaluate();
        });
    }

    private void hookDone(HookKind kind, HookResult res) {
        if (res.outcome() != HookResult.Outcome.SKIPPED) {
            a.sink().emit(new Event.HookFinished(a.scheduler().nowMillis(), a.self().value(), cfg.id(), kind.key(),
                    res.outcome().name(), res.exitCode(), res.output()));
        }
    }

    private static AgentReply.Outcome outcomeOf(HookResult r) {
        return r.outcome() == HookResult.Outcome.PERMANENT ? AgentReply.Outcome.PERMANENT : AgentReply.Outcome.RETRYABLE;
    }

    private void persist() {
        a.store().save(cfg.id(), new AgentState(highestTerm, epoch, primary));
    }
}
