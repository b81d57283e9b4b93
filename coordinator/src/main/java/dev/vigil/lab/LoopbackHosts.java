package dev.vigil.lab;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Lab hosts without namespaces: host {@code i} listens on {@code 127.77.0.(10+i)}, a loopback
 * address of its own, so every daemon keeps its usual port. No floating IP and no network
 * faults; crash and hang are signals. What {@code vigil demo} uses without root.
 */
public final class LoopbackHosts extends LabHosts {
    public LoopbackHosts(List<String> hosts, Path logs) throws IOException {
        super(freshLogs(logs));
        for (int i = 0; i < hosts.size(); i++) {
            addHost(hosts.get(i), "127.77.0." + (10 + i));
        }
    }

    @Override
    protected List<String> onHost(String host, List<String> argv) {
        address(host); // a known host
        return argv;
    }

    @Override
    public boolean realNetwork() {
        return false;
    }
}
