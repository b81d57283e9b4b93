package dev.vigil.health;

import dev.vigil.core.GroupId;
import dev.vigil.core.NodeId;
import dev.vigil.hooks.BoundedProcess;
import dev.vigil.hooks.BoundedProcess.Ending;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The configured command exits 0 within the timeout. It runs the way hooks do
 * ({@link dev.vigil.hooks.ProcessHookRunner}): the argv as given, never through a shell; stdin
 * from /dev/null; a fixed environment of {@code PATH}, {@code LANG=C}, {@code VIGIL_GROUP} and
 * {@code VIGIL_NODE} (both validated ids); stdout and stderr merged, the last
 * {@value #OUTPUT_LIMIT} bytes kept for the reason. At the timeout the command and every
 * descendant get SIGKILL at once, without the grace period hooks get: a check has nothing to
 * clean up, and the next one is due within a probe interval.
 */
public final class ExecCheck implements ServiceCheck {
    static final int OUTPUT_LIMIT = 1024;
    /** The same search path hooks get: the system directories only. */
    static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private final List<String> argv;
    private final Map<String, String> env;
    private final String label;

    public ExecCheck(List<String> argv, GroupId group, NodeId node) {
        if (argv == null || argv.isEmpty() || argv.get(0) == null || argv.get(0).isEmpty()) {
            throw new IllegalArgumentException("exec check needs an executable, got " + argv);
        }
        this.argv = List.copyOf(argv);
        var e = new LinkedHashMap<String, String>();
        e.put("PATH", PATH);
        e.put("LANG", "C");
        e.put("VIGIL_GROUP", group.value());
        e.put("VIGIL_NODE", node.value());
        this.env = Map.copyOf(e);
        this.label = "exec " + argv.get(0);
    }

    @Override
    public CheckResult check(long timeoutMs) {
        BoundedProcess.Result r;
        try {
            r = BoundedProcess.run(argv, env, OUTPUT_LIMIT, timeoutMs, 0);
        } catch (IOException e) {
            return CheckResult.failed(label + ": cannot start: " + e.getMessage());
        }
        if (r.ending() == Ending.INTERRUPTED) {
            return CheckResult.failed(label + ": interrupted, killed");
        }
        boolean killed = r.ending() == Ending.TIMED_OUT;
        if (r.outputLost() != null) {
            return CheckResult.failed(label + ": reading its output failed" + (killed ? ", killed" : "") + ": "
                    + r.outputLost().getMessage());
        }
        String said = ((r.dropped() > 0 ? "…" : "") + r.output()).strip();
        said = said.isEmpty() ? "" : ": " + said;
        if (killed) {
            return CheckResult.failed(label + ": " + CheckResult.noAnswer(timeoutMs) + ", killed" + said);
        }
        String reason = label + ": exit " + r.exitCode() + said;
        return r.exitCode() == 0 ? CheckResult.ok(reason) : CheckResult.failed(reason);
    }

    @Override
    public String toString() {
        return label;
    }
}
