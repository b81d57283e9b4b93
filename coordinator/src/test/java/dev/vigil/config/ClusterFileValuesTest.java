package dev.vigil.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vigil.config.ClusterFile.FloatingIp;
import dev.vigil.config.ClusterFile.HostPort;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The scalar parsers: strict literals, no DNS, canonical forms. */
class ClusterFileValuesTest {
    @ParameterizedTest
    @CsvSource({"250ms,250", "1s,1000", "1.5s,1500", "2m,120000", "1h,3600000", "500,500", "0.25s,250", "0,0"})
    void durations(String text, long ms) {
        assertEquals(ms, ClusterFileValues.durationMs(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"5 seconds", "1.5", "-1s", "1.0005s", "s", "", "1S", "1sec", " 1s", "1e3"})
    void badDurations(String text) {
        assertThrows(IllegalArgumentException.class, () -> ClusterFileValues.durationMs(text));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "::|::", "::1|::1", "FD00::0001|fd00::1", "2001:db8:0:0:1:0:0:1|2001:db8::1:0:0:1",
        "2001:db8::1:0:0:0|2001:db8:0:0:1::", "1:2:3:4:5:6:7:8|1:2:3:4:5:6:7:8", "::ffff:10.0.0.1|::ffff:a00:1",
        "1:0:2:3:4:5:6:7|1:0:2:3:4:5:6:7", "0:0:1:0:0:0:1:0|0:0:1::1:0"})
    void ipv6IsParsedAndPrintedCanonically(String in, String out) {
        assertEquals(out, ClusterFileValues.formatIpv6(ClusterFileValues.ipv6(in)));
    }

    @ParameterizedTest
    @ValueSource(strings = {":::", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::", "g::", "fe80::1%eth0",
        ":1::", "1::2:", "::1.2.3", "1.2.3.4::", "1:2:3:4:5:6:7::8:9"})
    void badIpv6(String text) {
        assertNull(ClusterFileValues.ipv6(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"256.1.1.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1..2.3", "1.2.3.4."})
    void badIpv4(String text) {
        assertNull(ClusterFileValues.ipv4(text));
    }

    @Test
    void hostPorts() {
        assertEquals(new HostPort("10.0.0.1", 7400), HostPort.parse("10.0.0.1:7400"));
        assertEquals(new HostPort("fd00::1", 1), HostPort.parse("[fd00:0::1]:1"));
        assertEquals(new HostPort("db-1.example.net", 65535), HostPort.parse("DB-1.Example.NET:65535"));
        for (String bad : new String[] {"10.0.0.1", "10.0.0.1:", "10.0.0.1:0", "10.0.0.1:65536", "[fd00::1]",
            "[fd00::1]7400", "fd00::1:7400", "[fd00::1:7400", "-a:1", "a_b:1", ":7400", "10.0.0.1:x", "1.2.3:80"}) {
            assertThrows(IllegalArgumentException.class, () -> HostPort.parse(bad), bad);
        }
    }

    @Test
    void floatingIps() {
        assertEquals(new FloatingIp("10.0.0.100", 24, false), FloatingIp.parse("10.0.0.100/24"));
        assertEquals(new FloatingIp("fd00::100", 128, true), FloatingIp.parse("fd00:0:0::100/128"));
        assertEquals(new FloatingIp("0.0.0.0", 0, false), FloatingIp.parse("0.0.0.0/0"));
        for (String bad : new String[] {"10.0.0.100", "10.0.0.100/", "10.0.0.100/33", "10.0.0.100/024",
            "fd00::1/129", "host/24", "10.0.0.100/-1"}) {
            assertThrows(IllegalArgumentException.class, () -> FloatingIp.parse(bad), bad);
        }
    }

    @Test
    void interfaceNames() {
        assertEquals("eth0.100", ClusterFileValues.interfaceName("eth0.100"));
        assertEquals("eth0:vip", ClusterFileValues.interfaceName("eth0:vip"));
        assertEquals("abcdefghijklmno", ClusterFileValues.interfaceName("abcdefghijklmno"));
        for (String bad : new String[] {"", ".", "..", "abcdefghijklmnop", "eth/0", "eth 0", "eth0;rm"}) {
            assertThrows(IllegalArgumentException.class, () -> ClusterFileValues.interfaceName(bad), bad);
        }
    }
}
