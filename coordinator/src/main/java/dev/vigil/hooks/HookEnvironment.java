package dev.vigil.hooks;

import dev.vigil.failover.HookCall;
import dev.vigil.hooks.ProcessHookRunner.GroupHooks;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The fixed environment a hook runs with (DESIGN.md, "Hook contract"), built only from values
 * that pass conservative patterns: no value from the network or the cluster file may carry
 * shell metacharacters, whitespace or a leading '-' (which a hook's {@code ip} or {@code arping}
 * would read as an option) into a hook, even though hooks never run through a shell.
 */
final class HookEnvironment {
    static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._][A-Za-z0-9._-]{0,62}");
    private static final Pattern IFACE = Pattern.compile("[A-Za-z0-9_.:][A-Za-z0-9_.:-]{0,14}");
    private static final Pattern IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f.:]{2,45}");

    private HookEnvironment() {}

    /** A value that must not reach a hook; the message says which and why. */
    static final class InvalidValueException extends IllegalArgumentException {
        InvalidValueException(String message) {
            super(message);
        }
    }

    /** The environment for {@code call}, in a stable order, or an {@link InvalidValueException}. */
    static Map<String, String> of(HookCall call, GroupHooks g, String self, String role) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", PATH);
        env.put("LANG", "C");
        env.put("VIGIL_GROUP", id("VIGIL_GROUP", call.group() == null ? null : call.group().value()));
        if (call.term() < 0) {
            throw invalid("VIGIL_TERM", Long.toString(call.term()), "a non-negative integer");
        }
        env.put("VIGIL_TERM", Long.toString(call.term()));
        env.put("VIGIL_ROLE", role(role));
        env.put("VIGIL_EVENT", call.kind().key());
        env.put("VIGIL_NODE", id("VIGIL_NODE", self));
        String ip = ip(g.floatingIp());
        env.put("VIGIL_FLOATING_IP", ip);
        int max = ip.indexOf(':') >= 0 ? 128 : 32;
        if (g.prefix() < 0 || g.prefix() > max) {
            throw invalid("VIGIL_PREFIX", Integer.toString(g.prefix()), "0 to " + max + " for " + ip);
        }
        env.put("VIGIL_PREFIX", Integer.toString(g.prefix()));
        env.put("VIGIL_INTERFACE", match("VIGIL_INTERFACE", g.iface(), IFACE,
                "1 to 15 of letters, digits, '_', '.', ':', '-', not starting with '-'"));
        env.put("VIGIL_OLD_PRIMARY", call.oldPrimary() == null ? "" : id("VIGIL_OLD_PRIMARY", call.oldPrimary().value()));
        env.put("VIGIL_NEW_PRIMARY", call.newPrimary() == null ? "" : id("VIGIL_NEW_PRIMARY", call.newPrimary().value()));
        return env;
    }

    static String role(String role) {
        if (!"agent".equals(role) && !"leader".equals(role)) {
            throw invalid("VIGIL_ROLE", role, "agent or leader");
        }
        return role;
    }

    private static String id(String name, String value) {
        return match(name, value, ID, "1 to 63 of letters, digits, '.', '_', '-', not starting with '-'");
    }

    private static String ip(String value) {
        boolean ok = value != null && (IPV4.matcher(value).matches()
                || (value.indexOf(':') >= 0 && IPV6.matcher(value).matches()));
        if (!ok) {
            throw invalid("VIGIL_FLOATING_IP", value, "an IPv4 or IPv6 literal");
        }
        return value;
    }

    private static String match(String name, String value, Pattern p, String want) {
        if (value == null || !p.matcher(value).matches()) {
            throw invalid(name, value, want);
        }
        return value;
    }

    private static InvalidValueException invalid(String name, String value, String want) {
        return new InvalidValueException(name + " must be " + want + ", got " + quote(value));
    }

    private static String quote(String v) {
        if (v == null) {
            return "null";
        }
        String s = v.length() > 80 ? v.substring(0, 80) + "…" : v;
        return '"' + ProcessHookRunner.escape(s) + '"';
    }
}
