package dev.vigil.transport.grpc;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LinksTest {
    @Test
    void aCallOnAChannelThatFailedToConnectTriesAgainAtOnceNotAfterGrpcsBackoff() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // closed again: the first connect is refused, as to a restarting agent
        }
        try (var links = new Links<>(Map.of("n1", new Endpoint("127.0.0.1", port)), null, Runnable::run, () -> 0L, "agent")) {
            ManagedChannel ch = links.channel("n1"); // connecting, not failed yet
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (ch.getState(false) != ConnectivityState.TRANSIENT_FAILURE && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            try (ServerSocket back = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                // gRPC alone would connect again after its backoff, 1 s +-20 %. A watcher asks for
                // the channel at every probe, so the test asks every 50 ms, as a busy one would.
                back.setSoTimeout(50);
                long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
                while (true) {
                    links.channel("n1");
                    try (Socket s = back.accept()) {
                        assertTrue(s.isConnected());
                        break;
                    } catch (SocketTimeoutException e) {
                        if (System.nanoTime() > until) {
                            throw new AssertionError("no connect within 500 ms of calls on the failed channel", e);
                        }
                    }
                }
            }
        }
    }
}
