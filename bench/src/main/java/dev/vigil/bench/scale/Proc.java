package dev.vigil.bench.scale;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What /proc says about one process: CPU time used and resident memory. Linux only. */
final class Proc {
    /** Clock ticks per second of utime and stime; 100 on every Linux this runs on (USER_HZ). */
    static final double TICKS_PER_SECOND = 100;

    private Proc() {}

    /** utime + stime of {@code pid}, in seconds; -1 once the process is gone. */
    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // Fields after the command name, which is in parentheses and may hold spaces.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND; // fields 14 and 15
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** A field of /proc/PID/status in kB (VmRSS now, VmHWM the peak), as MB; -1 once the process is gone. */
    static double statusMb(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]) / 1024.0;
                }
            }
            return -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
