package dev.vigil.transport;

import dev.vigil.core.WatcherId;
import java.util.function.Consumer;

/**
 * How a watcher talks to its peers. Asynchronous and lossy: a reply callback runs on the
 * watcher's scheduler thread, or never (lost, timed out, peer down); the caller never waits.
 */
public interface PeerTransport {
    void hello(WatcherId to, Hello hello);

    /** Sends our view and asks for the peer's (its reply is its own Hello for the group). */
    void isPrimaryDown(WatcherId to, Hello mine, Consumer<Hello> reply);

    void requestVote(WatcherId to, VoteRequest request, Consumer<VoteReply> reply);
}
