package dev.vigil.node;

import dev.vigil.core.Event;
import dev.vigil.core.EventSink;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a daemon's decisions go: one structured log line each (logger {@code dev.vigil.events},
 * {@code Type k=v ...}), the last {@value #KEEP} kept for {@code vigil events}, and handed to
 * every follower of {@code vigil events --follow}.
 */
public final class EventLog implements EventSink {
    static final int KEEP = 1_000;
    private static final Logger log = LoggerFactory.getLogger("dev.vigil.events");

    /** An event with the wall-clock time it was logged (events themselves carry monotonic time). */
    public record Entry(long wallMs, Event event) {}

    private final ArrayDeque<Entry> recent = new ArrayDeque<>();
    private final List<Consumer<Entry>> followers = new CopyOnWriteArrayList<>();

    @Override
    public void emit(Event e) {
        Entry entry = new Entry(System.currentTimeMillis(), e);
        if (e instanceof Event.FailoverAborted || e instanceof Event.FailoverRefused || e instanceof Event.AgentRefused
                || e instanceof Event.TiltChanged || (e instanceof Event.AgentStopped s && s.outcome().equals("still-held"))
                || (e instanceof Event.HookFinished h && !h.outcome().equals("OK"))) {
            log.warn(e.describe());
        } else if (e instanceof Event.HookFinished) {
            log.debug(e.describe());
        } else {
            log.info(e.describe());
        }
        synchronized (recent) {
            if (recent.size() == KEEP) {
                recent.removeFirst();
            }
            recent.addLast(entry);
        }
        followers.forEach(f -> f.accept(entry));
    }

    public List<Entry> recent() {
        synchronized (recent) {
            return new ArrayList<>(recent);
        }
    }

    /** Hands every later event to {@code follower} until the returned handle is run. */
    public Runnable follow(Consumer<Entry> follower) {
        followers.add(follower);
        return () -> followers.remove(follower);
    }
}
