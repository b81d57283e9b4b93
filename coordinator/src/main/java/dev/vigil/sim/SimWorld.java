package dev.vigil.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Virtual time and the one queue of everything that will happen, in (time, sequence) order, so a
 * run is a pure function of its seed. Tasks belong to a {@link Proc}: a crashed process's tasks
 * are dropped, a frozen (SIGSTOPped) process's tasks wait until it is thawed.
 */
public final class SimWorld {
    /** A simulated process: up or crashed, its incarnation, frozen or not. */
    public static final class Proc {
        final String name;
        final String host;
        boolean up = true;
        int incarnation;
        boolean frozen;
        final List<Task> deferred = new ArrayList<>();

        Proc(String name, String host) {
            this.name = name;
            this.host = host;
        }

        public String name() {
            return name;
        }

        public String host() {
            return host;
        }

        public boolean up() {
            return up;
        }

        public boolean frozen() {
            return frozen;
        }

        /** Up and not frozen: what "live" means in DESIGN.md's guarantees. */
        public boolean live() {
            return up && !frozen;
        }
    }

    static final class Task implements Comparable<Task> {
        long at;
        long seq;
        final Proc proc;
        final int incarnation;
        final Runnable run;
        boolean cancelled;

        Task(long at, long seq, Proc proc, int incarnation, Runnable run) {
            this.at = at;
            this.seq = seq;
            this.proc = proc;
            this.incarnation = incarnation;
            this.run = run;
        }

        @Override
        public int compareTo(Task o) {
            return at != o.at ? Long.compare(at, o.at) : Long.compare(seq, o.seq);
        }
    }

    /** Any incarnation: for messages, delivered to whatever instance of the process is up. */
    static final int ANY = -1;

    private final PriorityQueue<Task> queue = new PriorityQueue<>(256);
    private long now;
    private long seq;
    private long steps;

    public long now() {
        return now;
    }

    public long steps() {
        return steps;
    }

    Task at(long time, Proc proc, int incarnation, Runnable run) {
        Task t = new Task(Math.max(time, now), seq++, proc, incarnation, run);
        queue.add(t);
        return t;
    }

    /** Runs the next task if it is due by {@code until}; false when there is none. */
    boolean step(long until) {
        Task t = queue.peek();
        if (t == null || t.at > until) {
            now = Math.max(now, until);
            return false;
        }
        queue.poll();
        now = t.at;
        if (t.cancelled) {
            return true;
        }
        Proc p = t.proc;
        if (p != null) {
            if (!p.up || (t.incarnation != ANY && t.incarnation != p.incarnation)) {
                return true;
            }
            if (p.frozen) {
                p.deferred.add(t);
                return true;
            }
        }
        steps++;
        t.run.run();
        return true;
    }

    void freeze(Proc p) {
        p.frozen = true;
    }

    /** SIGCONT: everything that fell due while frozen runs now, in its original order. */
    void thaw(Proc p) {
        p.frozen = false;
        for (Task t : p.deferred) {
            t.at = now;
            t.seq = seq++;
            queue.add(t);
        }
        p.deferred.clear();
    }

    void crash(Proc p) {
        p.up = false;
        p.frozen = false;
        p.incarnation++;
        p.deferred.clear();
    }

    void restart(Proc p) {
        p.up = true;
    }
}
