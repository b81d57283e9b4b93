package dev.vigil.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** Real sockets on 127.0.0.1. */
class TcpCheckTest {
    @Test
    void okWhenSomethingListens() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            CheckResult r = new TcpCheck(server.getLocalPort()).check(1_000);

            assertTrue(r.ok(), r.reason());
            assertEquals("tcp 127.0.0.1:" + server.getLocalPort() + ": connected", r.reason());
        }
    }

    @Test
    void failsOnAClosedPort() throws IOException {
        int port = closedPort();

        CheckResult r = new TcpCheck(port).check(1_000);

        assertFalse(r.ok());
        assertEquals("tcp 127.0.0.1:" + port + ": connection refused", r.reason());
    }

    @Test
    void refusesAPortOutOfRange() {
        assertThrows(IllegalArgumentException.class, () -> new TcpCheck(0));
        assertThrows(IllegalArgumentException.class, () -> new TcpCheck(65_536));
    }

    /** A port nothing listens on: bound once by us, then released. */
    static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }
}
