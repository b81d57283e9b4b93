package dev.vigil.config;

import dev.vigil.config.ClusterFile.FloatingIp;
import dev.vigil.config.ClusterFile.GroupEntry;
import dev.vigil.config.ClusterFile.Hooks;
import dev.vigil.config.ClusterFile.HostPort;
import dev.vigil.config.ClusterFile.Probe;
import dev.vigil.core.GroupId;
import dev.vigil.core.NodeId;
import dev.vigil.failover.HookKind;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads one entry of {@code groups:}. Everything that can be checked within the group is
 * checked here (nodes, initial primary, quorum, timings, probe, hooks); what spans groups and
 * watchers is left to {@link ClusterFileLoader}, which gets each node's agent address and line.
 */
final class ClusterFileGroups {
    private static final List<String> KEYS = List.of("id", "floating-ip", "interface", "quorum", "initial-primary",
            "probe-interval", "probe-timeout", "reprobe-interval", "down-after", "fence-after", "failover-timeout",
            "probe", "hooks", "nodes");
    private static final List<String> NODE_KEYS = List.of("id", "agent", "priority");
    private static final List<String> PROBE_KEYS = List.of("kind", "port", "path", "expect", "https", "command",
            "service");
    private static final Map<Probe.Kind, Set<String>> PROBE_KEYS_BY_KIND = Map.of(
            Probe.Kind.AGENT, Set.of("kind"),
            Probe.Kind.TCP, Set.of("kind", "port"),
            Probe.Kind.HTTP, Set.of("kind", "port", "path", "expect", "https"),
            Probe.Kind.EXEC, Set.of("kind", "command"),
            Probe.Kind.GRPC_HEALTH, Set.of("kind", "port", "service"));
    private static final String TIMEOUT = "timeout";

    /** A node as read, for the checks that span groups. */
    record ParsedNode(NodeId id, HostPort agent, YamlNode agentNode, GroupId group) {}

    /** A group as read: {@code entry} is null when the group itself has errors. */
    record Parsed(YamlNode node, GroupId id, YamlNode idNode, GroupEntry entry, List<ParsedNode> nodes,
            FloatingIp floatingIp, YamlNode floatingIpNode) {}

    private final YamlNode g;
    private final YamlNode.Errors errors;
    private final Map<NodeId, Integer> priorities = new LinkedHashMap<>();
    /** Every well-formed node id, even of nodes with other errors, so one error does not cause another. */
    private final Set<NodeId> nodeIds = new LinkedHashSet<>();
    private String label;

    private final Set<HookKind> checkedHooks;

    private ClusterFileGroups(YamlNode g, YamlNode.Errors errors, Set<HookKind> checkedHooks) {
        this.checkedHooks = checkedHooks;
        this.g = g;
        this.errors = errors;
        this.label = g.path();
    }

    static Parsed parse(YamlNode g, int watcherCount, YamlNode.Errors errors, Set<HookKind> checkedHooks) {
        return new ClusterFileGroups(g, errors, checkedHooks).read(watcherCount);
    }

    private Parsed read(int watcherCount) {
        int before = errors.list.size();
        YamlNode.Fields f = g.fields(KEYS);
        YamlNode idNode = f.required("id");
        GroupId id = idNode == null ? null : idNode.as(GroupId::new);
        if (id != null) {
            label = "group " + id;
        }
        YamlNode fipNode = f.required("floating-ip");
        FloatingIp fip = fipNode == null ? null : fipNode.as(ClusterFileValues::floatingIp);
        YamlNode ifaceNode = f.required("interface");
        String iface = ifaceNode == null ? null : ifaceNode.as(ClusterFileValues::interfaceName);

        List<ParsedNode> nodes = nodes(f.required("nodes"), id);
        List<NodeConfig> nodeConfigs = new ArrayList<>();
        Map<NodeId, HostPort> agents = new LinkedHashMap<>();
        for (ParsedNode n : nodes) {
            agents.put(n.id(), n.agent());
        }
        YamlNode primaryNode = f.required("initial-primary");
        NodeId primary = primaryNode == null ? null : primaryNode.as(NodeId::new);
        if (primary != null && !nodeIds.isEmpty() && !nodeIds.contains(primary)) {
            primaryNode.error("initial-primary '" + primary + "' is not a node of " + label + "; its nodes are "
                    + nodeIds);
        }
        int quorum = quorum(f.optional("quorum"), watcherCount);
        Timings timings = timings(f);
        Probe probe = f.optional("probe") == null ? Probe.agent() : probe(f.optional("probe"));
        Hooks hooks = f.optional("hooks") == null ? Hooks.none() : hooks(f.optional("hooks"));

        GroupEntry entry = null;
        if (errors.list.size() == before) {
            try {
                nodes.forEach(n -> nodeConfigs.add(new NodeConfig(n.id(), priorities.get(n.id()))));
                GroupConfig protocol = new GroupConfig(id, nodeConfigs, primary, timings, quorum);
                entry = new GroupEntry(protocol, fip, iface, probe, hooks, agents);
            } catch (IllegalArgumentException | NullPointerException e) {
                g.error(String.valueOf(e.getMessage()));
            }
        }
        return new Parsed(g, id, idNode, entry, nodes, fip, fipNode);
    }

    private List<ParsedNode> nodes(YamlNode list, GroupId group) {
        if (list == null) {
            return List.of();
        }
        List<YamlNode> items = list.items();
        if (list.isList() && items.size() < 2) {
            list.error(label + " needs at least two nodes (a primary and a standby), got " + items.size());
        }
        var out = new ArrayList<ParsedNode>();
        var firstLine = new LinkedHashMap<NodeId, Integer>();
        for (YamlNode item : items) {
            YamlNode.Fields f = item.fields(NODE_KEYS);
            YamlNode idNode = f.required("id");
            NodeId id = idNode == null ? null : idNode.as(NodeId::new);
            YamlNode agentNode = f.required("agent");
            HostPort agent = agentNode == null ? null : agentNode.as(ClusterFileValues::hostPort);
            YamlNode prioNode = f.optional("priority");
            Integer priority = prioNode == null ? Integer.valueOf(0)
                    : prioNode.as(t -> ClusterFileValues.integer(t, 0, Integer.MAX_VALUE));
            if (id == null) {
                continue;
            }
            nodeIds.add(id);
            Integer first = firstLine.putIfAbsent(id, idNode.line());
            if (first != null) {
                idNode.error("duplicate node '" + id + "' in " + label + " (first on line " + first + ")");
                continue;
            }
            if (agent != null && priority != null) {
                priorities.put(id, priority);
                out.add(new ParsedNode(id, agent, agentNode, group));
            }
        }
        return out;
    }

    private int quorum(YamlNode node, int watcherCount) {
        int majority = watcherCount / 2 + 1;
        if (node == null) {
            return majority;
        }
        Integer q = node.as(t -> ClusterFileValues.integer(t, 1, Integer.MAX_VALUE));
        if (q == null) {
            return majority;
        }
        if (watcherCount > 0 && q > watcherCount) {
            node.error("quorum " + q + " is larger than the number of watchers (" + watcherCount + ")");
        }
        return q;
    }

    private Timings timings(YamlNode.Fields f) {
        Map<String, YamlNode> given = new LinkedHashMap<>();
        Map<String, Long> ms = new LinkedHashMap<>();
        boolean bad = false;
        for (String key : List.of("probe-interval", "probe-timeout", "reprobe-interval", "down-after", "fence-after",
                "failover-timeout")) {
            YamlNode n = f.optional(key);
            if (n != null) {
                given.put(key, n);
                Long v = n.as(ClusterFileValues::durationMs);
                bad |= v == null;
                ms.put(key, v);
            }
        }
        if (bad) {
            return null;
        }
        long pi = ms.getOrDefault("probe-interval", Timings.DEFAULT_PROBE_INTERVAL_MS);
        long pt = ms.getOrDefault("probe-timeout", pi / 2);
        long rp = ms.getOrDefault("reprobe-interval", Math.max(1, pi / 4));
        long da = ms.getOrDefault("down-after", Timings.DEFAULT_DOWN_AFTER_MS);
        long fa = ms.getOrDefault("fence-after", da * 3 / 4);
        long ft = ms.getOrDefault("failover-timeout", Timings.DEFAULT_FAILOVER_TIMEOUT_MS);
        if (da <= pi) {
            timingError("down-after", given, "down-after (" + da + " ms) must be above probe-interval (" + pi
                    + " ms)");
            return null;
        }
        try {
            return new Timings(pi, pt, rp, da, fa, ft);
        } catch (IllegalArgumentException e) {
            String msg = e.getMessage();
            int space = msg.indexOf(' ');
            timingError(space < 0 ? "" : msg.substring(0, space), given, msg);
            return null;
        }
    }

    /** Reports on the key the message is about, on its line if it was given, else on the group's. */
    private void timingError(String key, Map<String, YamlNode> given, String message) {
        YamlNode n = given.get(key);
        if (n != null) {
            n.error(message);
            return;
        }
        String note = switch (key) {
            case "probe-timeout" -> " (probe-timeout not set: it defaults to probe-interval/2)";
            case "reprobe-interval" -> " (reprobe-interval not set: it defaults to probe-interval/4)";
            case "fence-after" -> " (fence-after not set: it defaults to 3/4 of down-after)";
            case "down-after", "probe-interval", "failover-timeout" -> " (" + key + " not set: using its default)";
            default -> "";
        };
        errors.add(g.line(), g.child(key), message + note);
    }

    private Probe probe(YamlNode node) {
        if (node.isScalar()) {
            String kind = node.text();
            if (kind.equals("agent")) {
                return Probe.agent();
            }
            if (Probe.Kind.of(kind).isPresent()) {
                node.error("probe kind '" + kind + "' needs settings; write e.g. probe: {kind: " + kind
                        + (kind.equals("exec") ? ", command: [/path/to/check]}" : ", port: N}"));
            } else {
                node.error("unknown probe kind '" + kind + "'; expected agent, tcp, http, exec or grpc-health");
            }
            return null;
        }
        YamlNode.Fields f = node.fields(PROBE_KEYS);
        YamlNode kindNode = f.required("kind");
        String kindText = kindNode == null ? null : kindNode.text();
        if (kindText == null) {
            return null;
        }
        Probe.Kind kind = Probe.Kind.of(kindText).orElse(null);
        if (kind == null) {
            kindNode.error("unknown probe kind '" + kindText + "'; expected agent, tcp, http, exec or grpc-health");
            return null;
        }
        for (String k : f.keys()) {
            if (!PROBE_KEYS_BY_KIND.get(kind).contains(k)) {
                errors.add(node.line(), node.child(k), "key '" + k + "' does not apply to probe kind " + kindText);
            }
        }
        int port = 0;
        if (kind == Probe.Kind.TCP || kind == Probe.Kind.HTTP || kind == Probe.Kind.GRPC_HEALTH) {
            YamlNode p = f.required("port");
            Integer v = p == null ? null : p.as(t -> ClusterFileValues.integer(t, 1, 65_535));
            port = v == null ? 0 : v;
        }
        String path = "/";
        int expect = 200;
        boolean https = false;
        if (kind == Probe.Kind.HTTP) {
            YamlNode p = f.optional("path");
            if (p != null && p.text() != null) {
                path = p.text();
                if (!path.startsWith("/")) {
                    p.error("path '" + path + "' must start with '/'");
                }
            }
            YamlNode e = f.optional("expect");
            Integer v = e == null ? Integer.valueOf(200) : e.as(t -> ClusterFileValues.integer(t, 100, 599));
            expect = v == null ? 0 : v;
            YamlNode h = f.optional("https");
            Boolean b = h == null ? Boolean.FALSE : h.as(ClusterFileGroups::bool);
            https = b != null && b;
        }
        List<String> command = List.of();
        if (kind == Probe.Kind.EXEC) {
            YamlNode c = f.required("command");
            command = c == null ? List.of() : argv(c, "probe command of " + label, true);
        }
        String service = "";
        if (kind == Probe.Kind.GRPC_HEALTH) {
            YamlNode s = f.optional("service");
            service = s == null || s.text() == null ? "" : s.text();
        }
        return new Probe(kind, port, kind == Probe.Kind.HTTP ? path : "", kind == Probe.Kind.HTTP ? expect : 0, https,
                command, service);
    }

    private Hooks hooks(YamlNode node) {
        var keys = new ArrayList<String>();
        for (HookKind k : HookKind.values()) {
            keys.add(k.key());
        }
        keys.add(TIMEOUT);
        YamlNode.Fields f = node.fields(keys);
        var argv = new EnumMap<HookKind, List<String>>(HookKind.class);
        for (HookKind k : HookKind.values()) {
            YamlNode h = f.optional(k.key());
            if (h != null) {
                argv.put(k, argv(h, "hook '" + k.key() + "' of " + label, checkedHooks.contains(k)));
            }
        }
        YamlNode t = f.optional(TIMEOUT);
        Long timeout = t == null ? Long.valueOf(Hooks.DEFAULT_TIMEOUT_MS) : t.as(ClusterFileValues::durationMs);
        if (timeout != null && timeout <= 0) {
            t.error("hook timeout must be positive, got " + timeout + " ms");
            timeout = null;
        }
        return new Hooks(argv, timeout == null ? Hooks.DEFAULT_TIMEOUT_MS : timeout);
    }

    /** An argv list whose first element is an absolute path (to an executable file on this host, if {@code here}). */
    private static List<String> argv(YamlNode node, String what, boolean here) {
        if (node.isScalar()) {
            node.error(what + " must be an argv list, e.g. [" + String.join(", ", node.text().strip().split("\\s+"))
                    + "]; it is never run through a shell");
            return List.of();
        }
        var out = new ArrayList<String>();
        for (YamlNode item : node.items()) {
            String arg = item.text();
            if (arg == null) {
                return List.of();
            }
            out.add(arg);
        }
        if (node.isList() && out.isEmpty()) {
            node.error(what + " is an empty list; name an executable");
            return out;
        }
        if (out.isEmpty()) {
            return out;
        }
        String exe = out.get(0);
        Path p;
        try {
            p = Path.of(exe);
        } catch (InvalidPathException e) {
            node.error(what + ": '" + exe + "' is not a valid path");
            return out;
        }
        if (!p.isAbsolute()) {
            node.error(what + ": '" + exe + "' is not an absolute path");
        } else if (here && (!Files.isRegularFile(p) || !Files.isExecutable(p))) {
            node.error(what + ": " + exe + " is not an executable file");
        }
        return out;
    }

    private static Boolean bool(String text) {
        return switch (text) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException("'" + text + "' must be true or false");
        };
    }
}
