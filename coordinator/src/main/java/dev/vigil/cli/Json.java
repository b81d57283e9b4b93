package dev.vigil.cli;

import dev.vigil.time.TimerLag;
import dev.vigil.transport.grpc.AdminClient;
import java.util.List;
import java.util.Map;

/** The little JSON the CLI prints; written by hand, since a library would be the bigger part. */
final class Json {
    private Json() {}

    static String status(Map<String, List<AdminClient.GroupView>> byGroup, Map<String, String> unreachable,
            Map<String, TimerLag.Snapshot> timerLag) {
        var sb = new StringBuilder("{\"groups\":[");
        boolean firstGroup = true;
        for (var e : byGroup.entrySet()) {
            sb.append(firstGroup ? "" : ",").append("{\"group\":").append(str(e.getKey())).append(",\"views\":[");
            firstGroup = false;
            boolean first = true;
            for (AdminClient.GroupView v : e.getValue()) {
                sb.append(first ? "" : ",");
                first = false;
                sb.append("{\"watcher\":").append(str(v.watcher())).append(",\"primary\":").append(str(v.primary()))
                        .append(",\"standbys\":").append(list(v.standbys())).append(",\"term\":").append(v.term())
                        .append(",\"config_epoch\":").append(v.configEpoch()).append(",\"sdown\":").append(v.sdown())
                        .append(",\"odown\":").append(v.odown()).append(",\"tilt\":").append(v.tilt())
                        .append(",\"learning\":").append(str(v.learning()))
                        .append(",\"last_leader\":").append(str(v.lastLeader())).append(",\"running_term\":")
                        .append(v.runningTerm()).append(",\"since_failover_ms\":").append(v.sinceFailoverMs())
                        .append(",\"last_failover_took_ms\":").append(v.lastFailoverTookMs())
                        .append(",\"config_fingerprint\":").append(str(v.fingerprint())).append(",\"config_peers\":[");
                boolean fp = true;
                for (var p : v.configPeers()) {
                    sb.append(fp ? "" : ",").append("{\"kind\":").append(str(p.kind())).append(",\"id\":")
                            .append(str(p.id())).append(",\"config_fingerprint\":").append(str(p.fingerprint()))
                            .append(",\"mismatched\":").append(p.mismatched()).append('}');
                    fp = false;
                }
                sb.append("],\"silent_ms\":{");
                boolean f = true;
                for (var s : v.silentMs().entrySet()) {
                    sb.append(f ? "" : ",").append(str(s.getKey())).append(':').append(s.getValue());
                    f = false;
                }
                sb.append("}}");
            }
            sb.append("]}");
        }
        sb.append("],\"unreachable\":{");
        boolean f = true;
        for (var u : unreachable.entrySet()) {
            sb.append(f ? "" : ",").append(str(u.getKey())).append(':').append(str(u.getValue()));
            f = false;
        }
        sb.append("},\"timer_lag\":{");
        f = true;
        for (var t : timerLag.entrySet()) {
            TimerLag.Snapshot l = t.getValue();
            sb.append(f ? "" : ",").append(str(t.getKey())).append(":{\"timers\":").append(l.total())
                    .append(",\"p50_at_most_us\":").append(l.percentileAtMostUs(50)).append(",\"p99_at_most_us\":")
                    .append(l.percentileAtMostUs(99)).append(",\"max_us\":").append(l.maxUs()).append('}');
            f = false;
        }
        return sb.append("}}").toString();
    }

    private static String list(List<String> items) {
        var sb = new StringBuilder("[");
        for (int i = 0; i < items.size(); i++) {
            sb.append(i == 0 ? "" : ",").append(str(items.get(i)));
        }
        return sb.append(']').toString();
    }

    static String str(String s) {
        var sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
