package dev.vigil.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.config.ClusterFile.ProbeTransport;
import dev.vigil.config.ConfigException.ConfigError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code probe-transport} and {@code probe-key-file}: udp only with a key, and a key only if it is one. */
class ClusterFileProbeKeyTest {
    private static final Path FILE = Path.of("/etc/vigil/cluster.yaml");
    private static final String HEX = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    @TempDir
    Path dir;

    private static String file(String head) {
        return head + """
                state-dir: /var/lib/vigil
                watchers:
                  - id: w1
                    address: 10.0.0.1:7400
                groups:
                  - id: web
                    floating-ip: 10.0.0.100/24
                    interface: eth0
                    initial-primary: n1
                    quorum: 1
                    nodes:
                      - id: n1
                        agent: 10.0.0.1:7500
                      - id: n2
                        agent: 10.0.0.2:7500
                """;
    }

    private Path key(String text, String mode) throws Exception {
        Path p = dir.resolve("probe.key");
        Files.writeString(p, text);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
        return p;
    }

    private static ConfigError error(String yaml) {
        var e = assertThrows(ConfigException.class, () -> ClusterFileLoader.parse(yaml, FILE));
        assertEquals(1, e.errors().size(), e.getMessage());
        return e.errors().get(0);
    }

    @Test
    void grpcIsTheDefaultAndNeedsNoKey() throws Exception {
        ClusterFile f = ClusterFileLoader.parse(file(""), FILE);
        assertEquals(ProbeTransport.Kind.GRPC, f.probes().kind());
        assertNull(f.probes().keyFile());
    }

    @Test
    void aKeyFileAloneMeansUdpAndGrpcCanStillBeChosen() throws Exception {
        Path k = key(HEX, "rw-------");
        assertEquals(ProbeTransport.Kind.UDP,
                ClusterFileLoader.parse(file("probe-key-file: " + k + "\n"), FILE).probes().kind());
        ClusterFile grpc = ClusterFileLoader.parse(file("probe-transport: grpc\nprobe-key-file: " + k + "\n"), FILE);
        assertEquals(ProbeTransport.Kind.GRPC, grpc.probes().kind());
        assertEquals(k, grpc.probes().keyFile(), "agents still listen for datagrams: the watchers may switch later");
    }

    @Test
    void udpWithAHexKeyLoadsTheKey() throws Exception {
        Path k = key(HEX + "\n", "rw-------");
        ClusterFile f = ClusterFileLoader.parse(file("probe-transport: udp\nprobe-key-file: " + k + "\n"), FILE);
        assertEquals(ProbeTransport.Kind.UDP, f.probes().kind());
        assertArrayEquals(HexFormat.of().parseHex(HEX), f.probes().key().bytes());
        assertTrue(!f.probes().key().toString().contains("0011"), "the key never shows: " + f.probes().key());
    }

    @Test
    void aBase64KeyIsTakenToo() throws Exception {
        byte[] raw = new byte[48];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = (byte) (i * 37); // "AAEC..." has letters beyond f: not hex
        }
        Path k = key(java.util.Base64.getEncoder().encodeToString(raw), "r--------");
        assertEquals(48, ClusterFileLoader.parse(file("probe-key-file: " + k + "\n"), FILE).probes().key().bytes().length);
    }

    @Test
    void udpWithoutAKeyIsRefused() {
        ConfigError e = error(file("probe-transport: udp\n"));
        assertEquals("probe-transport", e.key());
        assertEquals(1, e.line());
        assertTrue(e.message().contains("udp needs probe-key-file"), e.message());
    }

    @Test
    void anUnknownTransportIsRefused() {
        ConfigError e = error(file("probe-transport: tcp\n"));
        assertEquals("probe-transport", e.key());
        assertTrue(e.message().contains("must be udp or grpc"), e.message());
    }

    @Test
    void aKeyFileOthersCanReadIsRefused() throws Exception {
        Path k = key(HEX, "rw-r--r--");
        ConfigError e = error(file("probe-transport: udp\nprobe-key-file: " + k + "\n"));
        assertEquals("probe-key-file", e.key());
        assertEquals(2, e.line());
        assertTrue(e.message().contains("open to group or others (rw-r--r--)") && e.message().contains("chmod 600"),
                e.message());
    }

    @Test
    void aShortKeyIsRefused() throws Exception {
        Path k = key(HEX.substring(0, 62), "rw-------");
        ConfigError e = error(file("probe-key-file: " + k + "\n"));
        assertTrue(e.message().contains("holds 31 bytes; at least 32"), e.message());
    }

    @Test
    void aMissingOrGarbledKeyFileIsRefused() throws Exception {
        assertTrue(error(file("probe-key-file: " + dir.resolve("none") + "\n")).message().contains("no such file"));
        Path k = key("not a key at all!", "rw-------");
        assertTrue(error(file("probe-key-file: " + k + "\n")).message().contains("neither hex nor base64"));
    }

    @Test
    void aProcessThatRunsNothingHereDoesNotReadTheKey() throws Exception {
        Path k = key(HEX, "rw-r--r--"); // unreadable for its mode: only a daemon cares
        ClusterFile f = ClusterFileLoader.parse(file("probe-transport: udp\nprobe-key-file: " + k + "\n"), FILE, Set.of());
        assertEquals(k, f.probes().keyFile());
        assertNull(f.probes().key());
    }
}
