package dev.vigil.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.config.ClusterFile.FloatingIp;
import dev.vigil.config.ClusterFile.GroupEntry;
import dev.vigil.config.ClusterFile.HostPort;
import dev.vigil.config.ClusterFile.Probe;
import dev.vigil.core.GroupId;
import dev.vigil.core.NodeId;
import dev.vigil.core.WatcherId;
import dev.vigil.failover.HookKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Valid cluster files load into the values written and the documented defaults. */
class ClusterFileLoaderTest {
    static final Path EXAMPLE = example();

    /** examples/cluster.yaml at the repository root; tests run from the module directory. */
    private static Path example() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path p = dir.resolve("examples/cluster.yaml");
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new IllegalStateException("examples/cluster.yaml not found above " + Path.of("").toAbsolutePath());
    }

    private static final NodeId N1 = new NodeId("n1");
    private static final NodeId N2 = new NodeId("n2");

    @Test
    void theExampleLoadsWithItsValuesAndDefaults() throws ConfigException {
        ClusterFile f = ClusterFileLoader.load(EXAMPLE);

        assertEquals(EXAMPLE, f.source());
        assertEquals(Path.of("/var/lib/vigil"), f.stateDir());
        assertEquals(Path.of("/var/lib/vigil/w2"), f.stateDirOf("w2"));
        assertEquals(Path.of("/etc/vigil/ca.pem"), f.tls().ca());
        assertEquals(Path.of("/etc/vigil/certs/w1.pem"), f.tls().certFor("w1"));
        assertEquals(Path.of("/etc/vigil/certs/n2.key"), f.tls().keyFor("n2"));

        assertEquals(List.of("w1", "w2", "w3"), f.watchers().stream().map(w -> w.id().value()).toList());
        assertEquals(new HostPort("10.0.0.1", 7400), f.watcher(new WatcherId("w1")).address());
        assertEquals(new HostPort("witness.example.net", 7400), f.watcher(new WatcherId("w3")).address());
        assertTrue(f.findWatcher(new WatcherId("w9")).isEmpty());
        var unknown = assertThrows(IllegalArgumentException.class, () -> f.watcher(new WatcherId("w9")));
        assertTrue(unknown.getMessage().contains("[w1, w2, w3]"), unknown.getMessage());

        GroupEntry web = f.group(new GroupId("web")).orElseThrow();
        assertEquals(new FloatingIp("10.0.0.100", 24, false), web.floatingIp());
        assertEquals("eth0", web.iface());
        assertEquals(2, web.protocol().quorum());
        assertEquals(N1, web.protocol().initialPrimary());
        assertEquals(Timings.defaults(), web.protocol().timings());
        assertEquals(Probe.agent(), web.probe());
        assertEquals(ClusterFile.Hooks.none(), web.hooks());
        assertEquals(List.of(new NodeConfig(N1, 100), new NodeConfig(N2, 50)), web.protocol().nodes());
        assertEquals(Map.of(N1, new HostPort("10.0.0.1", 7500), N2, new HostPort("10.0.0.2", 7500)), web.agents());

        GroupEntry db = f.group(new GroupId("db")).orElseThrow();
        assertEquals(new FloatingIp("fd00:10::200", 64, true), db.floatingIp());
        assertEquals("eth1", db.iface());
        assertEquals(2, db.protocol().quorum(), "default: majority of 3 watchers");
        assertEquals(N2, db.protocol().initialPrimary());
        // probe-timeout = interval/2, reprobe = interval/4, fence-after = 3/4 of down-after
        assertEquals(new Timings(500, 250, 125, 3_000, 2_250, 10_000), db.protocol().timings());
        assertEquals(Probe.Kind.TCP, db.probe().kind());
        assertEquals(5432, db.probe().port());
        assertEquals(List.of(new NodeConfig(N1, 0), new NodeConfig(N2, 0)), db.protocol().nodes());
        assertTrue(f.group(new GroupId("nope")).isEmpty());

        assertEquals(List.of(N1, N2), List.copyOf(f.agents().keySet()));
        assertEquals(new HostPort("10.0.0.2", 7500), f.agent(N2).orElseThrow());
        assertEquals(List.of(web, db), f.groupsOf(N1));

        ClusterConfig protocol = f.protocol();
        assertEquals(List.of(new WatcherId("w1"), new WatcherId("w2"), new WatcherId("w3")), protocol.watchers());
        assertEquals(List.of(web.protocol(), db.protocol()), protocol.groups());
        assertEquals(2, protocol.votesNeeded(db.protocol()));
    }

    @Test
    void aMinimalFileTakesEveryDefault() throws Exception {
        Path file = Path.of(getClass().getResource("/clusters/minimal.yaml").toURI());
        ClusterFile f = ClusterFileLoader.load(file);

        assertNull(f.tls());
        assertEquals(5, f.watchers().size());
        assertEquals(new HostPort("fd00::1", 7400), f.watchers().get(0).address());
        assertEquals("[fd00::1]:7400", f.watchers().get(0).address().toString());
        assertEquals(new HostPort("fd00::5", 7400), f.watchers().get(4).address(), "IPv6 kept in canonical form");
        GroupEntry app = f.groups().get(0);
        assertEquals(3, app.protocol().quorum(), "default: majority of 5 watchers");
        assertEquals(Timings.defaults(), app.protocol().timings());
        assertEquals("bond0.100", app.iface());
        assertEquals("192.168.1.10/32", app.floatingIp().toString());
        assertEquals(new HostPort("node-b.example.net", 7500), app.agent(new NodeId("b")).orElseThrow());
        assertEquals(0, app.protocol().node(new NodeId("a")).orElseThrow().priority());
        assertEquals(ClusterFile.Hooks.DEFAULT_TIMEOUT_MS, app.hooks().timeoutMs());
        assertTrue(app.hooks().argv().isEmpty());
    }

    @Test
    void hooksAndEveryProbeKind(@TempDir Path dir) throws Exception {
        Path vip = Files.writeString(dir.resolve("vip.sh"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(vip, PosixFilePermissions.fromString("rwxr-x---"));
        String yaml = """
                state-dir: /srv/vigil
                watchers: [{id: w1, address: "localhost:7400"}]
                groups:
                  - id: g1
                    floating-ip: 10.1.0.1/16
                    interface: eth0
                    initial-primary: a
                    probe: {kind: http, port: 8080, path: /health, expect: 204, https: true}
                    hooks:
                      acquire: [VIP, acquire, "--label", "vigil:{id}"]
                      release: [VIP, release]
                      timeout: 2.5s
                    nodes: [{id: a, agent: "a:7500"}, {id: b, agent: "b:7500"}]
                  - id: g2
                    floating-ip: 10.2.0.1/16
                    interface: eth0
                    initial-primary: c
                    probe: {kind: exec, command: [VIP, status]}
                    nodes: [{id: c, agent: "c:7500"}, {id: d, agent: "d:7500"}]
                  - id: g3
                    floating-ip: 10.3.0.1/16
                    interface: eth0
                    initial-primary: e
                    probe: {kind: grpc-health, port: 50051}
                    nodes: [{id: e, agent: "e:7500"}, {id: f, agent: "f:7500"}]
                  - id: g4
                    floating-ip: 10.4.0.1/16
                    interface: eth0
                    initial-primary: g
                    probe: {kind: agent}
                    nodes: [{id: g, agent: "g:7500"}, {id: h, agent: "h:7500"}]
                """.replace("VIP", vip.toString());
        ClusterFile f = ClusterFileLoader.parse(yaml, Path.of("inline.yaml"));

        GroupEntry g1 = f.groups().get(0);
        assertEquals(1, g1.protocol().quorum(), "majority of one watcher");
        assertEquals(new Probe(Probe.Kind.HTTP, 8080, "/health", 204, true, List.of(), ""), g1.probe());
        assertEquals(List.of(vip.toString(), "acquire", "--label", "vigil:{id}"),
                g1.hooks().of(HookKind.ACQUIRE).orElseThrow());
        assertEquals(List.of(vip.toString(), "release"), g1.hooks().argv().get(HookKind.RELEASE));
        assertFalse(g1.hooks().of(HookKind.FENCE).isPresent());
        assertEquals(2_500, g1.hooks().timeoutMs());
        assertEquals(new Probe(Probe.Kind.EXEC, 0, "", 0, false, List.of(vip.toString(), "status"), ""),
                f.groups().get(1).probe());
        assertEquals(new Probe(Probe.Kind.GRPC_HEALTH, 50051, "", 0, false, List.of(), ""), f.groups().get(2).probe());
        assertEquals(Probe.agent(), f.groups().get(3).probe());
    }

    @Test
    void fileProblemsAreErrorsNotStackTraces(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("nope.yaml");
        assertEquals(missing + ": no such file", only(missing));
        assertEquals(dir + ": is a directory, not a cluster file", only(dir));
        Path empty = Files.writeString(dir.resolve("empty.yaml"), "");
        assertEquals(empty + ": the file is empty; it needs at least state-dir, watchers and groups", only(empty));
        Path binary = Files.write(dir.resolve("bin.yaml"), new byte[] {(byte) 0xff, (byte) 0xfe, 0x00, 0x41});
        assertEquals(binary + ": is not UTF-8 text", only(binary));
        Path bom = Files.writeString(dir.resolve("bom.yaml"), "\uFEFF" + Files.readString(EXAMPLE));
        assertEquals(2, ClusterFileLoader.load(bom).groups().size());
    }

    private static String only(Path file) {
        ConfigException e = assertThrows(ConfigException.class, () -> ClusterFileLoader.load(file));
        assertEquals(1, e.errors().size(), e.getMessage());
        return e.errors().get(0).toString();
    }
}
