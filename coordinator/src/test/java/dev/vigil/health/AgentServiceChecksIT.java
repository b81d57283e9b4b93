package dev.vigil.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.config.ClusterFile;
import dev.vigil.config.ClusterFileLoader;
import dev.vigil.core.Event;
import dev.vigil.core.NodeId;
import dev.vigil.node.AgentNode;
import dev.vigil.node.EventLog;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The wiring in a real {@link AgentNode}: a tcp probe of a socket on loopback, closed and opened
 * again, shows up as the agent's ServiceChanged events, down after the second failed check and
 * up at the first good one.
 */
class AgentServiceChecksIT {
    @TempDir
    Path dir;

    @Test
    void theAgentLearnsItsServiceWentDownAndCameBack() throws Exception {
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        ServerSocket service = new ServerSocket(0, 50, lo);
        int port = service.getLocalPort();
        ClusterFile file = ClusterFileLoader.parse("""
                state-dir: %s
                watchers:
                  - {id: w1, address: 127.0.0.1:%d}
                  - {id: w2, address: 127.0.0.1:%d}
                  - {id: w3, address: 127.0.0.1:%d}
                groups:
                  - id: web
                    floating-ip: 10.0.0.100/24
                    interface: lo
                    initial-primary: n2
                    probe-interval: 200ms
                    down-after: 1s
                    probe: {kind: tcp, port: %d}
                    nodes: [{id: n1, agent: 127.0.0.1:%d}, {id: n2, agent: 127.0.0.1:%d}]
                """.formatted(dir, TcpCheckTest.closedPort(), TcpCheckTest.closedPort(), TcpCheckTest.closedPort(),
                port, TcpCheckTest.closedPort(), TcpCheckTest.closedPort()), dir.resolve("cluster.yaml"));

        try (AgentNode agent = AgentNode.start(file, new NodeId("n1"))) {
            service.close();
            assertTrue(await(() -> changes(agent.events()).size() >= 1), "down reported: " + changes(agent.events()));
            try (ServerSocket back = new ServerSocket(port, 50, lo)) {
                assertTrue(await(() -> changes(agent.events()).size() >= 2), "up reported: " + changes(agent.events()));
            }

            List<Event.ServiceChanged> changes = changes(agent.events());
            assertEquals(false, changes.get(0).ok());
            assertEquals("tcp 127.0.0.1:" + port + ": connection refused", changes.get(0).reason());
            assertEquals(true, changes.get(1).ok());
            assertEquals("tcp 127.0.0.1:" + port + ": connected", changes.get(1).reason());
        } finally {
            service.close();
        }
    }

    private static List<Event.ServiceChanged> changes(EventLog log) {
        return log.recent().stream().map(EventLog.Entry::event).filter(Event.ServiceChanged.class::isInstance)
                .map(Event.ServiceChanged.class::cast).toList();
    }

    /** Polls for up to 10 s. */
    private static boolean await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(20);
        }
        return condition.getAsBoolean();
    }
}
