package dev.vigil.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Distinct free loopback ports for a test cluster. Each socket stays open until all are taken:
 * closing one before asking for the next lets the kernel hand the same port out twice.
 */
public final class FreePorts {
    private final List<Integer> ports = new ArrayList<>();
    private int next;

    public FreePorts(int count) {
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                ServerSocket s = new ServerSocket(0);
                held.add(s);
                ports.add(s.getLocalPort());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ServerSocket s : held) {
                try {
                    s.close();
                } catch (IOException e) {
                    // freed anyway
                }
            }
        }
    }

    /** The next unused port of this batch. */
    public int next() {
        return ports.get(next++);
    }
}
