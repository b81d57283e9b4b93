package dev.vigil.bench.lab;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.random.RandomGenerator;

/**
 * The faults, the same for every tool, and what is measured around them. Latency: a crash
 * (every process of n1 killed, link down) or a hang (SIGSTOP of n1's processes), then the
 * time until the client first gets an answer from n2 on the floating IP; after a hang, n1 is
 * resumed and the client's view is recorded (does n1 answer again, is there a gap). Accuracy:
 * a healthy n1 under loss on its link, or repeatedly paused, for a bounded time; every change
 * of the answering host and every failover the tool decided is false.
 */
final class Trials {
    /**
     * One latency trial; {@code toStandbyMs} is -1 if the standby never answered. {@code gapMs}
     * is, after a hang, the longest run without answers once n1 resumed; after a switchover,
     * the client-visible gap from n1's last answer to n2's first.
     */
    record Latency(String fault, int trial, long toStandbyMs, Map<String, Long> milestones, String afterResume,
                   long gapMs, List<String> holdersAfter) {}

    /** One accuracy run. */
    record Accuracy(String fault, int level, long seconds, int switches, Map<String, Integer> decisions,
                    long longestGapMs, int pauses) {}

    private static final int START_ATTEMPTS = 3;
    /** How idle the CPUs must be before a fault: the tools' start-up work is done. */
    private static final double IDLE = 0.8;

    private final PeerLab lab;
    private final RandomGenerator random;

    Trials(PeerLab lab, RandomGenerator random) {
        this.lab = lab;
        this.random = random;
    }

    Latency latency(Peer peer, String fault, int trial) throws Exception {
        String run = started(peer, runName(peer, fault + "-" + trial));
        ClientLog client = lab.client();
        // a random phase against the tool's probe or advert schedule
        Thread.sleep(random.nextLong(1000));
        long wall = System.currentTimeMillis();
        long fault0 = ClientLog.now();
        switch (fault) {
            case "crash" -> {
                lab.net.kill("n1");
                lab.net.link("n1", false);
            }
            case "hang" -> lab.net.signal("n1", false);
            case "switchover" -> peer.switchover(lab);
            default -> throw new IllegalArgumentException("unknown fault " + fault + " (crash, hang, switchover)");
        }
        long deadline = fault0 + peer.detectionMs() + 30_000;
        OptionalLong standby = OptionalLong.empty();
        while (ClientLog.now() < deadline && standby.isEmpty()) {
            Thread.sleep(20);
            standby = client.first("n2", fault0);
        }
        String afterResume = "";
        long gap = 0;
        if (fault.equals("hang")) {
            Thread.sleep(2000);
            long resumed = ClientLog.now();
            lab.net.signal("n1", true);
            Thread.sleep(Math.max(5000, peer.detectionMs()));
            afterResume = client.sequence(resumed, ClientLog.now());
            gap = client.longestGap(resumed, ClientLog.now());
        } else if (fault.equals("switchover") && standby.isPresent()) {
            long firstN2 = standby.getAsLong();
            gap = firstN2 - client.between(fault0 - 1000, firstN2).stream().filter(a -> a.who().equals("n1"))
                    .mapToLong(ClientLog.Answer::at).max().orElse(fault0);
        }
        if (!fault.equals("hang")) {
            Thread.sleep(1500); // the tool's last log lines (IP acquired, failover completed) come after the client's answer
        }
        Map<String, Long> milestones = peer.milestones(lab, run, fault0, wall);
        List<String> holders = lab.holders();
        return new Latency(fault, trial, standby.isPresent() ? standby.getAsLong() - fault0 : -1, milestones,
                afterResume, gap, holders);
    }

    /** {@code percent} loss each way on n1's link for {@code seconds}, then time to settle. */
    Accuracy loss(Peer peer, int percent, long seconds) throws Exception {
        String run = started(peer, runName(peer, "loss" + percent));
        long t0 = ClientLog.now();
        lab.loss("n1", percent);
        Thread.sleep(seconds * 1000);
        lab.net.heal();
        Thread.sleep(peer.detectionMs() + 3000);
        long t1 = ClientLog.now();
        return new Accuracy("loss", percent, seconds, lab.client().switches(t0, t1), peer.decisions(lab, run),
                lab.client().longestGap(t0, t1), 0);
    }

    /**
     * For {@code seconds}: the current holder of the floating IP runs 2-4 s, then all its
     * processes are stopped for 1-{@code maxPauseMs} ms (uniform), and so on.
     */
    Accuracy pauses(Peer peer, long maxPauseMs, long seconds) throws Exception {
        String run = started(peer, runName(peer, "pause" + maxPauseMs));
        long t0 = ClientLog.now();
        long end = t0 + seconds * 1000;
        int count = 0;
        while (ClientLog.now() < end) {
            Thread.sleep(2000 + random.nextLong(2000));
            List<String> holders = lab.holders();
            String target = holders.size() == 1 ? holders.get(0) : "n1";
            lab.net.signal(target, false);
            try {
                Thread.sleep(1000 + random.nextLong(Math.max(1, maxPauseMs - 1000) + 1));
            } finally {
                lab.net.signal(target, true);
            }
            count++;
        }
        Thread.sleep(peer.detectionMs() + 3000);
        long t1 = ClientLog.now();
        return new Accuracy("pause", (int) maxPauseMs, seconds, lab.client().switches(t0, t1), peer.decisions(lab, run),
                lab.client().longestGap(t0, t1), count);
    }

    /**
     * Resets the lab, starts the tool, waits until the client has seen n1 steadily for a
     * second and the machine is idle again; returns the run's name. On a busy 2-core machine
     * a start can go wrong (the daemons' JVMs come up slowly, the first probes time out, and
     * at down-after 1 s Vigil fails over before n1 ever served), so a failed start is said
     * and tried again from scratch, under a new name: a tool's state and logs from the failed
     * start must not leak into the run.
     */
    private String started(Peer peer, String run) throws Exception {
        for (int attempt = 1; ; attempt++) {
            String name = attempt == 1 ? run : run + "-start" + attempt;
            try {
                lab.reset();
                peer.start(lab, name);
                lab.await("the client gets answers from n1", Duration.ofSeconds(30), () -> lab.client().steady("n1", 1000));
                if (PeerLab.awaitIdle(IDLE, Duration.ofSeconds(30)) < 0) {
                    System.err.printf("bench: %s %s: the machine was never %.0f%% idle, the fault comes anyway%n", peer.tool(),
                            peer.variant(), IDLE * 100);
                }
                // again: a failover while the machine settled would otherwise be measured as the fault's
                lab.await("the client still gets answers from n1", Duration.ofSeconds(5), () -> lab.client().steady("n1", 1000));
                return name;
            } catch (IllegalStateException e) {
                if (attempt == START_ATTEMPTS) {
                    throw e;
                }
                System.err.printf("bench: %s %s: start %d of %s failed, starting again: %s%n", peer.tool(), peer.variant(),
                        attempt, run, e.getMessage());
            }
        }
    }

    private static String runName(Peer peer, String what) {
        return (peer.tool() + "-" + peer.variant()).replaceAll("[^A-Za-z0-9.]+", "-") + "-" + what;
    }

    static Map<String, Object> row(Peer peer, Latency l) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("tool", peer.tool());
        r.put("variant", peer.variant());
        r.put("fault", l.fault());
        r.put("trial", l.trial());
        r.put("to_standby_ms", l.toStandbyMs());
        l.milestones().forEach((k, v) -> r.put(k + "_ms", v));
        r.put("after_resume", l.afterResume());
        r.put("gap_ms", l.gapMs());
        r.put("holders_after", String.join(" ", l.holdersAfter()));
        return r;
    }
}
