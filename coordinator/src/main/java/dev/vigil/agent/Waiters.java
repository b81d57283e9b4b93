package dev.vigil.agent;

import dev.vigil.transport.AgentReply;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * The leaders waiting for an agent's answer to Promote (per term) and Release: a command is
 * answered once the IP, as the agent's one rule moves it, says how it went, not when it arrives.
 */
final class Waiters {
    private record Promote(long term, Consumer<AgentReply> reply) {}

    private final List<Promote> promotes = new ArrayList<>();
    private final List<Consumer<AgentReply>> releases = new ArrayList<>();

    void promote(long term, Consumer<AgentReply> reply) {
        promotes.add(new Promote(term, reply));
    }

    void release(Consumer<AgentReply> reply) {
        releases.add(reply);
    }

    boolean promotesWaiting() {
        return !promotes.isEmpty();
    }

    boolean releasesWaiting() {
        return !releases.isEmpty();
    }

    /** Answers every Promote of a term below {@code lowest} with {@code stale} of its term. */
    void dropPromotesBelow(long lowest, LongFunction<AgentReply> stale) {
        for (Promote p : List.copyOf(promotes)) {
            if (p.term < lowest) {
                promotes.remove(p);
                p.reply.accept(stale.apply(p.term));
            }
        }
    }

    void answerPromote(long term, AgentReply r) {
        for (Promote p : List.copyOf(promotes)) {
            if (p.term == term) {
                promotes.remove(p);
                p.reply.accept(r);
            }
        }
    }

    void answerRelease(AgentReply r) {
        List<Consumer<AgentReply>> waiting = new ArrayList<>(releases);
        releases.clear();
        waiting.forEach(c -> c.accept(r));
    }
}
