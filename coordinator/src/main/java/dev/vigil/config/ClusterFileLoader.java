package dev.vigil.config;

import dev.vigil.config.ClusterFile.FloatingIp;
import dev.vigil.config.ClusterFile.GroupEntry;
import dev.vigil.config.ClusterFile.HostPort;
import dev.vigil.config.ClusterFile.ProbeTransport;
import dev.vigil.config.ClusterFile.Tls;
import dev.vigil.config.ClusterFile.WatcherEntry;
import dev.vigil.config.ConfigException.ConfigError;
import dev.vigil.core.GroupId;
import dev.vigil.core.NodeId;
import dev.vigil.core.WatcherId;
import dev.vigil.failover.HookKind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Loads the cluster file and validates all of it at once: {@link #load} returns a
 * {@link ClusterFile} or throws a {@link ConfigException} listing every problem with its file,
 * line and key. The YAML is composed, not constructed, so each value keeps its line; no value
 * is resolved through DNS. Hook executables are checked on the host that loads the file.
 */
public final class ClusterFileLoader {
    static final int MAX_WATCHERS = 7;
    /**
     * Far above any hand-written file, so a wrong path fails fast; a generated file of 10,000
     * groups with hooks is about 3 MiB. snakeyaml's own limit (3 MiB of code points) is raised
     * to match.
     */
    private static final int MAX_BYTES = 16 << 20;
    private static final List<String> KEYS = List.of("state-dir", "tls", "probe-transport", "probe-key-file",
            "watchers", "groups");
    private static final List<String> TLS_KEYS = List.of("ca", "cert", "key");
    private static final List<String> WATCHER_KEYS = List.of("id", "address");

    private final YamlNode.Errors errors;

    private final Set<HookKind> checkedHooks;

    private ClusterFileLoader(Path file, Set<HookKind> checkedHooks) {
        this.errors = new YamlNode.Errors(file);
        this.checkedHooks = checkedHooks;
    }

    /**
     * Reads and validates the cluster file, checking that every hook is an executable file on
     * this host; never throws anything but ConfigException for a bad file.
     */
    public static ClusterFile load(Path file) throws ConfigException {
        return load(file, EnumSet.allOf(HookKind.class));
    }

    /**
     * As {@link #load(Path)}, but only the hooks of {@code runsHere} must exist on this host: the
     * file is the same everywhere, and a witness runs no agent hooks.
     */
    public static ClusterFile load(Path file, Set<HookKind> runsHere) throws ConfigException {
        String text;
        try {
            if (Files.isDirectory(file)) {
                throw single(file, "is a directory, not a cluster file");
            }
            if (Files.exists(file) && Files.size(file) > MAX_BYTES) {
                throw single(file, "is larger than " + (MAX_BYTES >> 20) + " MiB; is this really the cluster file?");
            }
            byte[] bytes = Files.readAllBytes(file);
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (NoSuchFileException e) {
            throw single(file, "no such file");
        } catch (AccessDeniedException e) {
            throw single(file, "permission denied");
        } catch (CharacterCodingException e) {
            throw single(file, "is not UTF-8 text");
        } catch (IOException e) {
            throw single(file, "cannot read: " + e.getMessage());
        }
        return parse(text, file, runsHere);
    }

    /** Validates YAML text, checking every hook; see {@link #parse(String, Path, Set)}. */
    public static ClusterFile parse(String yaml, Path nameForErrors) throws ConfigException {
        return parse(yaml, nameForErrors, EnumSet.allOf(HookKind.class));
    }

    /** Validates YAML text; {@code nameForErrors} is the file named in errors and in {@link ClusterFile#source()}. */
    public static ClusterFile parse(String yaml, Path nameForErrors, Set<HookKind> runsHere) throws ConfigException {
        if (yaml.startsWith("\uFEFF")) {
            yaml = yaml.substring(1);
        }
        Optional<Node> root;
        try {
            root = new Compose(LoadSettings.builder().setLabel(nameForErrors.toString())
                    .setCodePointLimit(MAX_BYTES).build()).composeString(yaml);
        } catch (MarkedYamlEngineException e) {
            Optional<Mark> mark = e.getProblemMark().or(e::getContextMark);
            throw new ConfigException(List.of(new ConfigError(nameForErrors, mark.map(m -> m.getLine() + 1).orElse(0),
                    "", "malformed YAML: " + describe(e))));
        } catch (YamlEngineException e) {
            throw single(nameForErrors, "malformed YAML: " + e.getMessage());
        }
        if (root.isEmpty()) {
            throw single(nameForErrors, "the file is empty; it needs at least state-dir, watchers and groups");
        }
        return new ClusterFileLoader(nameForErrors, runsHere).read(root.get());
    }

    /** snakeyaml's context ("while parsing a block mapping") and problem, as one sentence. */
    private static String describe(MarkedYamlEngineException e) {
        String problem = String.valueOf(e.getProblem()).strip();
        String context = e.getContext();
        if (context == null) {
            return problem;
        }
        String at = e.getContextMark().map(m -> " on line " + (m.getLine() + 1)).orElse("");
        return problem.startsWith("but ") ? context + at + ", " + problem : problem + " (" + context + at + ")";
    }

    private static ConfigException single(Path file, String message) {
        return new ConfigException(List.of(new ConfigError(file, 0, "", message)));
    }

    private ClusterFile read(Node yaml) throws ConfigException {
        YamlNode root = new YamlNode(yaml, "", errors);
        if (!root.isMap()) {
            root.error("the top level must be a mapping with state-dir, watchers and groups");
            throw failure();
        }
        YamlNode.Fields f = root.fields(KEYS);
        Path stateDir = path(f.required("state-dir"), "state-dir");
        Tls tls = f.optional("tls") == null ? null : tls(f.optional("tls"));
        ProbeTransport probes = probes(f.optional("probe-transport"), f.optional("probe-key-file"));
        List<WatcherEntry> watchers = new ArrayList<>();
        int watcherCount = watchers(f.required("watchers"), watchers);
        List<ClusterFileGroups.Parsed> groups = new ArrayList<>();
        YamlNode groupList = f.required("groups");
        if (groupList != null) {
            List<YamlNode> items = groupList.items();
            if (groupList.isList() && items.isEmpty()) {
                groupList.error("at least one group is needed");
            }
            for (YamlNode g : items) {
                groups.add(ClusterFileGroups.parse(g, watcherCount, errors, checkedHooks));
            }
        }
        crossChecks(watchers, groups);
        if (!errors.list.isEmpty()) {
            throw failure();
        }
        List<GroupEntry> entries = groups.stream().map(ClusterFileGroups.Parsed::entry).toList();
        ClusterFile file = new ClusterFile(errors.file, stateDir, tls, probes, watchers, entries);
        try {
            file.protocol();
        } catch (IllegalArgumentException e) {
            root.error(e.getMessage());
            throw failure();
        }
        return file;
    }

    private ConfigException failure() {
        var sorted = new ArrayList<>(errors.list);
        sorted.sort(Comparator.comparingInt(ConfigError::line));
        return new ConfigException(sorted);
    }

    private static Path path(YamlNode node, String what) {
        if (node == null) {
            return null;
        }
        String text = node.text();
        if (text == null) {
            return null;
        }
        try {
            Path p = Path.of(text);
            if (!p.isAbsolute()) {
                node.error(what + " must be an absolute path, got '" + text + "'");
                return null;
            }
            return p;
        } catch (InvalidPathException e) {
            node.error("'" + text + "' is not a valid path: " + e.getReason());
            return null;
        }
    }

    private Tls tls(YamlNode node) {
        YamlNode.Fields f = node.fields(TLS_KEYS);
        if (!node.isMap()) {
            return null;
        }
        List<String> missing = TLS_KEYS.stream().filter(k -> f.optional(k) == null).toList();
        if (!missing.isEmpty()) {
            node.error("tls needs all of ca, cert and key, or no tls section at all; missing: "
                    + String.join(", ", missing));
            return null;
        }
        Path ca = path(f.optional("ca"), "tls.ca");
        Path cert = path(f.optional("cert"), "tls.cert");
        Path key = path(f.optional("key"), "tls.key");
        if (ca == null || cert == null || key == null) {
            return null;
        }
        return new Tls(ca, cert.toString(), key.toString());
    }

    /**
     * {@code probe-transport} (grpc or udp) and {@code probe-key-file}. When the transport is not
     * given it is udp if there is a key and grpc if not: datagrams won the accuracy benchmark
     * (BENCHMARKS.md), and a file without a key keeps working as before. udp without a key is
     * refused: an unauthenticated datagram could feed a primary's lease. The
     * key file itself is read and checked only where a daemon or check-config loads the file
     * (hooks to check): an operator's status command need not be able to read it.
     */
    private ProbeTransport probes(YamlNode kindNode, YamlNode keyNode) {
        Path keyFile = path(keyNode, "probe-key-file");
        ProbeTransport.Kind kind = keyNode == null ? ProbeTransport.Kind.GRPC : ProbeTransport.Kind.UDP;
        if (kindNode != null && kindNode.text() != null) {
            switch (kindNode.text()) {
                case "grpc" -> kind = ProbeTransport.Kind.GRPC;
                case "udp" -> kind = ProbeTransport.Kind.UDP;
                default -> kindNode.error("must be udp or grpc, got '" + kindNode.text() + "'");
            }
        }
        if (kind == ProbeTransport.Kind.UDP && keyFile == null) {
            if (keyNode == null) {
                kindNode.error("udp needs probe-key-file: a file of at least " + ClusterFileKey.MIN_BYTES
                        + " random bytes, hex or base64, mode 600 ('openssl rand -hex 32'); the TLS material holds "
                        + "no secret the whole cluster shares");
            }
            return ProbeTransport.grpc();
        }
        ClusterFileKey key = null;
        if (keyFile != null && !checkedHooks.isEmpty()) {
            try {
                key = ClusterFileKey.read(keyFile);
            } catch (IllegalArgumentException e) {
                keyNode.error(e.getMessage());
            }
        }
        return new ProbeTransport(kind, keyFile, key);
    }

    /** Reads the watchers into {@code out}; returns how many entries the list has, valid or not. */
    private int watchers(YamlNode list, List<WatcherEntry> out) {
        if (list == null) {
            return 0;
        }
        List<YamlNode> items = list.items();
        if (list.isList() && items.isEmpty()) {
            list.error("at least one watcher is needed (3 or 5 is usual)");
        } else if (items.size() > MAX_WATCHERS) {
            list.error("at most " + MAX_WATCHERS + " watchers, got " + items.size() + " (3 or 5 is usual)");
        }
        Map<WatcherId, Integer> ids = new HashMap<>();
        Map<HostPort, String> addresses = new HashMap<>();
        for (YamlNode item : items) {
            YamlNode.Fields f = item.fields(WATCHER_KEYS);
            YamlNode idNode = f.required("id");
            WatcherId id = idNode == null ? null : idNode.as(WatcherId::new);
            YamlNode addrNode = f.required("address");
            HostPort address = addrNode == null ? null : addrNode.as(ClusterFileValues::hostPort);
            if (id != null) {
                Integer first = ids.putIfAbsent(id, idNode.line());
                if (first != null) {
                    idNode.error("duplicate watcher '" + id + "' (first on line " + first + ")");
                    continue;
                }
            }
            if (address != null) {
                String other = addresses.putIfAbsent(address, id + " (line " + addrNode.line() + ")");
                if (other != null) {
                    addrNode.error("address " + address + " is already the address of watcher " + other);
                    continue;
                }
            }
            if (id != null && address != null) {
                out.add(new WatcherEntry(id, address));
            }
        }
        return items.size();
    }

    /** Rules that span groups: one agent per node, agents apart from watchers, one group per floating IP. */
    private void crossChecks(List<WatcherEntry> watchers, List<ClusterFileGroups.Parsed> groups) {
        Map<HostPort, WatcherId> watcherAt = new HashMap<>();
        watchers.forEach(w -> watcherAt.put(w.address(), w.id()));
        Map<GroupId, YamlNode> groupIds = new HashMap<>();
        Map<NodeId, ClusterFileGroups.ParsedNode> nodes = new HashMap<>();
        Map<HostPort, ClusterFileGroups.ParsedNode> agentAt = new HashMap<>();
        Map<String, ClusterFileGroups.Parsed> floating = new HashMap<>();
        for (ClusterFileGroups.Parsed g : groups) {
            if (g.id() != null) {
                YamlNode first = groupIds.putIfAbsent(g.id(), g.idNode());
                if (first != null) {
                    g.idNode().error("duplicate group '" + g.id() + "' (first on line " + first.line() + ")");
                }
            }
            FloatingIp fip = g.floatingIp();
            if (fip != null) {
                ClusterFileGroups.Parsed other = floating.putIfAbsent(fip.address(), g);
                if (other != null) {
                    g.floatingIpNode().error("floating IP " + fip.address() + " is also the floating IP of "
                            + describe(other) + " (line " + other.floatingIpNode().line() + ")");
                }
            }
            for (ClusterFileGroups.ParsedNode n : g.nodes()) {
                WatcherId w = watcherAt.get(n.agent());
                if (w != null) {
                    n.agentNode().error("agent address " + n.agent() + " of node " + n.id()
                            + " is the address of watcher " + w + "; they need different ports");
                }
                ClusterFileGroups.ParsedNode seen = nodes.putIfAbsent(n.id(), n);
                if (seen != null && !seen.agent().equals(n.agent())) {
                    n.agentNode().error("node " + n.id() + " has agent " + n.agent() + " here but " + seen.agent()
                            + " in group " + seen.group() + " (line " + seen.agentNode().line()
                            + "); a node runs one agent");
                }
                ClusterFileGroups.ParsedNode owner = agentAt.putIfAbsent(n.agent(), n);
                if (owner != null && !owner.id().equals(n.id())) {
                    n.agentNode().error("agent address " + n.agent() + " is already the agent of node " + owner.id()
                            + " (line " + owner.agentNode().line() + "); each node runs its own agent");
                }
            }
        }
    }

    private static String describe(ClusterFileGroups.Parsed g) {
        return g.id() == null ? g.node().path() : "group " + g.id();
    }
}
