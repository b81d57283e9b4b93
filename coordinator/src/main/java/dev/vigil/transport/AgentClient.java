package dev.vigil.transport;

import dev.vigil.core.NodeId;
import java.util.function.Consumer;

/**
 * How a watcher talks to the nodes' agents. Same contract as {@link PeerTransport}: a callback
 * runs on the watcher's thread, or never; timeouts are the caller's business.
 */
public interface AgentClient {
    void probe(NodeId node, ProbeRequest request, Consumer<ProbeReply> reply);

    void promote(NodeId node, PromoteRequest request, Consumer<AgentReply> reply);

    void release(NodeId node, ReleaseRequest request, Consumer<AgentReply> reply);
}
