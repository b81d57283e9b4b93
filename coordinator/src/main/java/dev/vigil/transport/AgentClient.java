package dev.vigil.transport;

import dev.vigil.core.NodeId;
import java.util.function.Consumer;

/**
 * How a watcher talks to the nodes' agents. Same contract as {@link PeerTransport}: a callback
 * runs on the watcher's thread, or never; timeouts are the caller's business.
 */
public interface AgentClient {
    /**
     * A probe's reply and the time it reached this process, on the caller's {@code Clock}: a
     * probe meets or misses its deadline when its reply arrives, not when a busy core thread
     * gets to it (a batch of thousands of replies is handed over a chunk per task).
     */
    @FunctionalInterface
    interface ProbeCallback {
        void reply(ProbeReply reply, long arrivedAtMillis);
    }

    void probe(NodeId node, ProbeRequest request, ProbeCallback reply);

    void promote(NodeId node, PromoteRequest request, Consumer<AgentReply> reply);

    void release(NodeId node, ReleaseRequest request, Consumer<AgentReply> reply);
}
