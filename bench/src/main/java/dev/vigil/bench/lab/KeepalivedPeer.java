package dev.vigil.bench.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * keepalived (VRRP) on n1 (priority 100) and n2 (priority 90), multicast adverts across the
 * lab's bridge, both nodes BACKUP with nopreempt (no automatic failback, as in Vigil), and a
 * track_script that checks the local service (Vigil's agent service check). The standby takes
 * over when no advert came for the master-down interval, 3 × advert_int + skew, where skew is
 * (256 − 90) / 256 × advert_int for n2: 3.65 × advert_int. Mapping a Vigil down-after onto
 * VRRP sets that interval to the down-after (both are "silent for this long at most"):
 * advert_int = down-after / 3.65.
 */
final class KeepalivedPeer implements Peer {
    private static final double MASTER_DOWN_FACTOR = 3 + (256 - 90) / 256.0;

    private final double advertSeconds;
    private final String label;
    private Path lastRun;

    private KeepalivedPeer(double advertSeconds, String label) {
        this.advertSeconds = advertSeconds;
        this.label = label;
    }

    /** Stock advert_int 1 s (master-down 3.65 s). */
    static KeepalivedPeer stock() {
        return new KeepalivedPeer(1.0, "advert 1s (stock)");
    }

    /** advert_int chosen so that the master-down interval equals {@code downAfterMs}. */
    static KeepalivedPeer matching(long downAfterMs) {
        double advert = Math.round(downAfterMs / MASTER_DOWN_FACTOR / 10.0) / 100.0;
        return new KeepalivedPeer(advert, String.format(Locale.ROOT, "advert %.2fs (~down-after %ss)", advert,
                downAfterMs % 1000 == 0 ? String.valueOf(downAfterMs / 1000) : String.valueOf(downAfterMs / 1000.0)));
    }

    @Override
    public String tool() {
        return "keepalived";
    }

    @Override
    public String variant() {
        return label;
    }

    @Override
    public long detectionMs() {
        return Math.round(advertSeconds * MASTER_DOWN_FACTOR * 1000);
    }

    @Override
    public void start(PeerLab lab, String run) throws Exception {
        lastRun = lab.dir.resolve(run);
        for (String n : PeerLab.NODES) {
            lab.serve(n, run);
        }
        // n1 first, alone until it is MASTER, so that it and not n2 wins the first election
        daemon(lab, run, "n1", 100);
        lab.await("n1 holds the floating IP", Duration.ofSeconds(20), () -> lab.holders().equals(List.of("n1")));
        daemon(lab, run, "n2", 90);
        Path n2log = lab.net.logs().resolve(run + "-keepalived-n2.log");
        lab.await("n2 is BACKUP", Duration.ofSeconds(20), () -> read(n2log).contains("Entering BACKUP STATE"));
    }

    private void daemon(PeerLab lab, String run, String node, int priority) throws IOException {
        Path d = lab.dir.resolve(run).resolve(node);
        long fall = Math.max(1, Math.round(detectionMs() / 1000.0));
        Path conf = lab.render("keepalived.conf", Map.of("node", node, "port", String.valueOf(PeerLab.PORT),
                "fall", String.valueOf(fall), "priority", String.valueOf(priority),
                "advert", String.format(Locale.ROOT, "%.2f", advertSeconds), "vip", PeerLab.FLOATING, "prefix", "24"),
                d.resolve("keepalived.conf"));
        lab.net.start(node, run + "-keepalived-" + node, List.of("keepalived", "-n", "-l", "-D", "--vrrp",
                "-f", conf.toString(), "-p", d.resolve("keepalived.pid").toString(),
                "-r", d.resolve("vrrp.pid").toString(), "-c", d.resolve("checkers.pid").toString()));
    }

    /** keepalived's planned switchover: stop it on the master, which then sends a priority-0 advert. */
    @Override
    public void switchover(PeerLab lab) throws IOException {
        String pid = Files.readString(lastRun.resolve("n1").resolve("keepalived.pid")).strip();
        PeerLab.sh("kill", "-TERM", pid);
    }

    @Override
    public Map<String, Integer> decisions(PeerLab lab, String run) {
        int masters = 0;
        for (String n : PeerLab.NODES) {
            masters += count(read(lab.net.logs().resolve(run + "-keepalived-" + n + ".log")), "Entering MASTER STATE");
        }
        return Map.of("failovers", Math.max(0, masters - 1));
    }

    static int count(String text, String what) {
        int c = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            c++;
        }
        return c;
    }

    static String read(Path f) {
        try {
            return Files.exists(f) ? Files.readString(f) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
