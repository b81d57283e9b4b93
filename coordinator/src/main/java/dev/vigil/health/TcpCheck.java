package dev.vigil.health;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;

/**
 * The service accepts a TCP connection on {@code 127.0.0.1:port} within the timeout; the
 * connection is closed at once, without sending anything.
 */
public final class TcpCheck implements ServiceCheck {
    private final InetSocketAddress target;
    private final String label;

    public TcpCheck(int port) {
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("tcp check port must be 1 to 65535, got " + port);
        }
        try {
            target = new InetSocketAddress(InetAddress.getByName(LOOPBACK), port); // a literal: no DNS
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        label = "tcp " + LOOPBACK + ":" + port;
    }

    @Override
    public CheckResult check(long timeoutMs) {
        try (Socket s = new Socket()) {
            s.connect(target, (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeoutMs)));
            return CheckResult.ok(label + ": connected");
        } catch (IOException e) {
            return CheckResult.failed(label + ": " + CheckResult.why(e, timeoutMs));
        }
    }

    @Override
    public String toString() {
        return label;
    }
}
