package dev.vigil.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vigil.config.ConfigException.ConfigError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One broken cluster file per row, each with the error an operator must see: the line, the
 * key path and a fragment of the reason. Most rows edit one line of {@link #BASE}, so the
 * line numbers below are those of BASE.
 */
class ClusterFileErrorsTest {
    private static final Path FILE = Path.of("/etc/vigil/cluster.yaml");

    private static final String BASE = """
            state-dir: /var/lib/vigil
            watchers:
              - id: w1
                address: 10.0.0.1:7400
              - id: w2
                address: 10.0.0.2:7400
              - id: w3
                address: 10.0.0.3:7400
            groups:
              - id: web
                floating-ip: 10.0.0.100/24
                interface: eth0
                initial-primary: n1
                quorum: 2
                probe-interval: 1s
                down-after: 5s
                nodes:
                  - id: n1
                    agent: 10.0.0.1:7500
                    priority: 100
                  - id: n2
                    agent: 10.0.0.2:7500
            """;

    /** A second group, appended to BASE (its first line is line 23). */
    private static final String DB = """
              - id: db
                floating-ip: 10.0.0.200/24
                interface: eth0
                initial-primary: n1
                nodes:
                  - id: n1
                    agent: 10.0.0.1:7500
                  - id: n3
                    agent: 10.0.0.3:7500
            """;

    private static final Path HOOKS = hookDir();
    private static final String NOT_EXECUTABLE = HOOKS.resolve("plain.sh").toString();
    private static final String EXECUTABLE = HOOKS.resolve("vip.sh").toString();

    private static Path hookDir() {
        try {
            Path dir = Files.createTempDirectory("vigil-hooks");
            Path plain = Files.writeString(dir.resolve("plain.sh"), "#!/bin/sh\nexit 0\n");
            Files.setPosixFilePermissions(plain, PosixFilePermissions.fromString("rw-r--r--"));
            Path exe = Files.writeString(dir.resolve("vip.sh"), "#!/bin/sh\nexit 0\n");
            Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-xr-x"));
            plain.toFile().deleteOnExit();
            exe.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** BASE with exactly one occurrence of {@code from} replaced. */
    private static String edit(String from, String to) {
        int at = BASE.indexOf(from);
        if (at < 0 || BASE.indexOf(from, at + 1) >= 0) {
            throw new IllegalArgumentException("'" + from + "' must occur exactly once in BASE");
        }
        return BASE.substring(0, at) + to + BASE.substring(at + from.length());
    }

    /** BASE with hooks (lines 17 and 18) inserted before the nodes of group web. */
    private static String hooks(String acquire) {
        return edit("    nodes:\n      - id: n1", "    hooks:\n      acquire: " + acquire
                + "\n    nodes:\n      - id: n1");
    }

    private static Arguments row(String name, String yaml, int line, String key, String fragment) {
        return Arguments.of(name, yaml, line, key, fragment);
    }

    static Stream<Arguments> brokenFiles() {
        return Stream.of(
                row("quorum larger than the watchers", edit("quorum: 2", "quorum: 4"), 14, "groups[0].quorum",
                        "quorum 4 is larger than the number of watchers (3)"),
                row("quorum 0", edit("quorum: 2", "quorum: 0"), 14, "groups[0].quorum", "must be at least 1, got 0"),
                row("duplicate watcher id", edit("- id: w2", "- id: w1"), 5, "watchers[1].id",
                        "duplicate watcher 'w1' (first on line 3)"),
                row("duplicate watcher address", edit("10.0.0.2:7400", "10.0.0.1:7400"), 6, "watchers[1].address",
                        "address 10.0.0.1:7400 is already the address of watcher w1"),
                row("duplicate node id", edit("- id: n2", "- id: n1"), 21, "groups[0].nodes[1].id",
                        "duplicate node 'n1' in group web (first on line 18)"),
                row("duplicate group", BASE + DB.replace("id: db", "id: web"), 23, "groups[1].id",
                        "duplicate group 'web' (first on line 10)"),
                row("same floating IP in two groups", BASE + DB.replace("10.0.0.200/24", "10.0.0.100/16"), 24,
                        "groups[1].floating-ip", "floating IP 10.0.0.100 is also the floating IP of group web"),
                row("bad IPv4", edit("10.0.0.100/24", "256.1.1.1/24"), 11, "groups[0].floating-ip",
                        "'256.1.1.1' is not a valid IPv4 address"),
                row("IPv4 prefix /33", edit("10.0.0.100/24", "10.0.0.100/33"), 11, "groups[0].floating-ip",
                        "must be /0 to /32"),
                row("IPv6 prefix /129", edit("10.0.0.100/24", "fd00::100/129"), 11, "groups[0].floating-ip",
                        "must be /0 to /128"),
                row("bad IPv6", edit("10.0.0.100/24", "fd00:::1/64"), 11, "groups[0].floating-ip",
                        "'fd00:::1' is not a valid IPv6 address"),
                row("floating-ip without prefix", edit("10.0.0.100/24", "10.0.0.100"), 11, "groups[0].floating-ip",
                        "needs a prefix length, e.g. 10.0.0.100/24"),
                row("interface name too long", edit("interface: eth0", "interface: enp0s31f6-uplink0"), 12,
                        "groups[0].interface", "must be 1 to 15 characters, got 17"),
                row("interface name with a slash", edit("interface: eth0", "interface: eth/0"), 12,
                        "groups[0].interface", "may hold only letters, digits"),
                row("port 0", edit("10.0.0.1:7400", "10.0.0.1:0"), 4, "watchers[0].address",
                        "must be 1 to 65535, got 0"),
                row("port 70000", edit("10.0.0.1:7500", "10.0.0.1:70000"), 19, "groups[0].nodes[0].agent",
                        "must be 1 to 65535, got 70000"),
                row("missing port", edit("10.0.0.3:7400", "10.0.0.3"), 8, "watchers[2].address",
                        "'10.0.0.3' is missing the port"),
                row("IPv6 host without brackets", edit("10.0.0.3:7400", "fd00::3:7400"), 8, "watchers[2].address",
                        "an IPv6 address goes in brackets"),
                row("bad host name", edit("10.0.0.3:7400", "bad_host:7400"), 8, "watchers[2].address",
                        "neither an IPv4 address nor a valid host name"),
                row("agent on a watcher's address", edit("10.0.0.1:7500", "10.0.0.1:7400"), 19,
                        "groups[0].nodes[0].agent", "is the address of watcher w1"),
                row("down-after not above probe-interval", edit("down-after: 5s", "down-after: 1s"), 16,
                        "groups[0].down-after", "down-after (1000 ms) must be above probe-interval (1000 ms)"),
                row("fence-after not below down-after", edit("quorum: 2", "fence-after: 5s"), 14,
                        "groups[0].fence-after", "must be at least one probe interval below down-after"),
                row("fence-after too small", edit("quorum: 2", "fence-after: 2s"), 14, "groups[0].fence-after",
                        "must be at least two probe intervals plus probe-timeout (2500 ms)"),
                row("defaulted fence-after too small", edit("down-after: 5s", "down-after: 3s"), 10,
                        "groups[0].fence-after", "fence-after not set: it defaults to 3/4 of down-after"),
                row("probe-timeout not below probe-interval", edit("quorum: 2", "probe-timeout: 1s"), 14,
                        "groups[0].probe-timeout", "probe-timeout (1000 ms) must be below probe-interval (1000 ms)"),
                row("unknown key with a suggestion", edit("quorum: 2", "quorom: 2"), 14, "groups[0].quorom",
                        "unknown key 'quorom' in groups[0]; did you mean 'quorum'?"),
                row("snake_case key", edit("down-after: 5s", "down_after: 5s"), 16, "groups[0].down_after",
                        "did you mean 'down-after'?"),
                row("unknown top-level key", "verbose: true\n" + BASE, 1, "verbose",
                        "unknown key 'verbose' at the top level; expected one of: state-dir, tls, probe-transport, probe-key-file, watchers, groups"),
                row("misspelt top-level key", edit("state-dir:", "statedir:"), 1, "statedir",
                        "did you mean 'state-dir'?"),
                row("duplicate key", edit("quorum: 2", "down-after: 6s"), 16, "groups[0].down-after",
                        "duplicate key 'down-after' (first on line 14)"),
                row("hook not executable", hooks("[" + NOT_EXECUTABLE + ", acquire]"), 18, "groups[0].hooks.acquire",
                        "hook 'acquire' of group web: " + NOT_EXECUTABLE + " is not an executable file"),
                row("hook missing", hooks("[/nonexistent/vip.sh]"), 18, "groups[0].hooks.acquire",
                        "hook 'acquire' of group web: /nonexistent/vip.sh is not an executable file"),
                row("hook not absolute", hooks("[vip.sh, acquire]"), 18, "groups[0].hooks.acquire",
                        "hook 'acquire' of group web: 'vip.sh' is not an absolute path"),
                row("hook given as a string", hooks(EXECUTABLE + " acquire"), 18, "groups[0].hooks.acquire",
                        "hook 'acquire' of group web must be an argv list"),
                row("unknown hook", edit("    nodes:\n      - id: n1", "    hooks:\n      aquire: [" + EXECUTABLE
                        + "]\n    nodes:\n      - id: n1"), 18, "groups[0].hooks.aquire", "did you mean 'acquire'?"),
                row("initial-primary not a node", edit("initial-primary: n1", "initial-primary: n3"), 13,
                        "groups[0].initial-primary", "initial-primary 'n3' is not a node of group web; its nodes are"),
                row("single node", edit("      - id: n2\n        agent: 10.0.0.2:7500\n", ""), 17, "groups[0].nodes",
                        "group web needs at least two nodes (a primary and a standby), got 1"),
                row("no watchers", BASE.replaceAll("(?s)watchers:.*?groups:", "watchers: []\ngroups:"), 2,
                        "watchers", "at least one watcher is needed"),
                row("eight watchers", BASE.replace("watchers:\n", "watchers:\n" + Stream.of(4, 5, 6, 7, 8)
                        .map(i -> "  - {id: w" + i + ", address: 10.0.1." + i + ":7400}\n")
                        .collect(Collectors.joining())), 2, "watchers", "at most 7 watchers, got 8"),
                row("missing state-dir", edit("state-dir: /var/lib/vigil\n", ""), 1, "state-dir",
                        "missing required key 'state-dir'"),
                row("relative state-dir", edit("/var/lib/vigil", "var/lib/vigil"), 1, "state-dir",
                        "state-dir must be an absolute path, got 'var/lib/vigil'"),
                row("empty state-dir", edit("state-dir: /var/lib/vigil", "state-dir:"), 1, "state-dir",
                        "'state-dir' has no value"),
                row("negative priority", edit("priority: 100", "priority: -1"), 20, "groups[0].nodes[0].priority",
                        "must be at least 0, got -1"),
                row("bad duration", edit("down-after: 5s", "down-after: 5 seconds"), 16, "groups[0].down-after",
                        "'5 seconds' is not a duration; write e.g. 250ms, 1s, 1.5s or 2m"),
                row("fraction without unit", edit("down-after: 5s", "down-after: 1.5"), 16, "groups[0].down-after",
                        "'1.5' has a fraction but no unit"),
                row("malformed YAML: bad indentation", edit("    interface: eth0", "      interface: eth0"), 12, "",
                        "malformed YAML: mapping values are not allowed here"),
                row("node id with a space", edit("- id: n2", "- id: n 2"), 21, "groups[0].nodes[1].id",
                        "node id may hold only letters, digits, '-', '_' and '.', got \"n 2\""),
                row("group id with a slash", edit("- id: web", "- id: web/1"), 10, "groups[0].id",
                        "group id may hold only letters"),
                row("same node, other agent, in another group", BASE + DB.replace("10.0.0.1:7500", "10.0.0.9:7500"),
                        29, "groups[1].nodes[0].agent",
                        "node n1 has agent 10.0.0.9:7500 here but 10.0.0.1:7500 in group web (line 19)"),
                row("two nodes on one agent", BASE + DB.replace("10.0.0.3:7500", "10.0.0.2:7500"), 31,
                        "groups[1].nodes[1].agent", "agent address 10.0.0.2:7500 is already the agent of node n2"),
                row("tls with only some keys", edit("state-dir: /var/lib/vigil\n",
                        "state-dir: /var/lib/vigil\ntls:\n  ca: /etc/vigil/ca.pem\n"), 2, "tls",
                        "tls needs all of ca, cert and key, or no tls section at all; missing: cert, key"),
                row("probe kind without its settings", edit("quorum: 2", "probe: tcp"), 14, "groups[0].probe",
                        "probe kind 'tcp' needs settings; write e.g. probe: {kind: tcp, port: N}"),
                row("probe key of another kind", edit("quorum: 2", "probe: {kind: tcp, port: 5432, path: /x}"), 14,
                        "groups[0].probe.path", "key 'path' does not apply to probe kind tcp"),
                row("unknown probe kind", edit("quorum: 2", "probe: {kind: icmp}"), 14, "groups[0].probe.kind",
                        "unknown probe kind 'icmp'"),
                row("http probe without port", edit("quorum: 2", "probe: {kind: http, path: /health}"), 14,
                        "groups[0].probe.port", "missing required key 'port'"),
                row("nodes given as a mapping", edit("    nodes:\n      - id: n1", "    nodes:\n      n1:\n        id: n1")
                        .replace("      - id: n2", "      n2:\n        id: n2"), 17, "groups[0].nodes",
                        "must be a list, got a mapping"),
                row("top level is a list", "- state-dir: /x\n", 1, "",
                        "the top level must be a mapping with state-dir, watchers and groups"),
                row("empty file", "", 0, "", "the file is empty"),
                row("only comments", "# nothing yet\n\n", 0, "", "the file is empty"),
                row("two documents", BASE + "---\n" + BASE, 23, "",
                        "malformed YAML: expected a single document in the stream on line 1, but found another document"),
                row("tab indentation", "state-dir: /x\nwatchers:\n\t- id: w1\n", 3, "", "malformed YAML: "));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenFiles")
    void reportsTheError(String name, String yaml, int line, String key, String fragment) {
        ConfigException e = assertThrows(ConfigException.class, () -> ClusterFileLoader.parse(yaml, FILE), name);
        List<ConfigError> errors = e.errors();
        boolean found = errors.stream().anyMatch(er -> er.line() == line && er.key().equals(key)
                && er.message().contains(fragment) && er.file().equals(FILE));
        if (!found) {
            fail("expected " + FILE + ":" + line + ": " + key + ": ..." + fragment + "...\nbut got:\n"
                    + e.getMessage());
        }
    }

    @Test
    void theBaseIsValid() throws ConfigException {
        assertEquals(1, ClusterFileLoader.parse(BASE, FILE).groups().size());
        assertEquals(2, ClusterFileLoader.parse(BASE + DB, FILE).groups().size());
        assertEquals(EXECUTABLE, ClusterFileLoader.parse(hooks("[" + EXECUTABLE + ", acquire]"), FILE).groups()
                .get(0).hooks().argv().values().iterator().next().get(0));
    }

    @Test
    void reportsEveryErrorInLineOrderNotJustTheFirst() throws Exception {
        Path file = Path.of(getClass().getResource("/clusters/broken-many.yaml").toURI());
        ConfigException e = assertThrows(ConfigException.class, () -> ClusterFileLoader.load(file));
        List<String> lines = e.errors().stream().map(ConfigError::toString).toList();
        assertEquals(List.of(
                file + ":1: state-dir: state-dir must be an absolute path, got 'relative/dir'",
                file + ":7: groups[0].floating-ip: '10.0.0.300' is not a valid IPv4 address",
                file + ":9: groups[0].initial-primary: initial-primary 'n9' is not a node of group web; its nodes are "
                        + "[n1, n2]",
                file + ":10: groups[0].quorom: unknown key 'quorom' in groups[0]; did you mean 'quorum'?",
                file + ":15: groups[0].nodes[1].agent: '10.0.0.2' is missing the port; write host:port, e.g. "
                        + "10.0.0.2:7400"), lines);
        assertEquals(String.join("\n", lines), e.getMessage());
    }

    @Test
    void oneMistakeIsOneErrorNotACascade() {
        for (String yaml : List.of(edit("10.0.0.1:7500", "10.0.0.1:70000"), edit("priority: 100", "priority: -1"),
                edit("- id: w2", "- id: w 2"), edit("down-after: 5s", "down-after: 5 seconds"),
                edit("10.0.0.100/24", "10.0.0.100"), edit("quorum: 2", "quorum: two"))) {
            ConfigException e = assertThrows(ConfigException.class, () -> ClusterFileLoader.parse(yaml, FILE));
            assertEquals(1, e.errors().size(), e.getMessage());
        }
    }

    @Test
    void errorsPrintAsFileLineKeyMessage() {
        assertEquals("/c.yaml:3: groups[0].quorum: too big",
                new ConfigError(Path.of("/c.yaml"), 3, "groups[0].quorum", "too big").toString());
        assertEquals("/c.yaml: no such file", new ConfigError(Path.of("/c.yaml"), 0, "", "no such file").toString());
        assertEquals("/c.yaml:4: malformed YAML: x", new ConfigError(Path.of("/c.yaml"), 4, "", "malformed YAML: x")
                .toString());
    }

    @Test
    void aBrokenFileNeverEscapesAsAnotherException() {
        for (String yaml : List.of("{", "[", "a: [", "state-dir: *nope", "? [a, b]\n: c", "state-dir: !!binary x",
                "watchers: {id: w1}", "groups: [1, 2]", "groups: [{nodes: [{}, {}]}]", "\t- x", "\u0000",
                "groups:\n  - &g {id: a}\n  - *g")) {
            ConfigException e = assertThrows(ConfigException.class, () -> ClusterFileLoader.parse(yaml, FILE), yaml);
            assertTrue(!e.errors().isEmpty(), yaml);
        }
    }
}
