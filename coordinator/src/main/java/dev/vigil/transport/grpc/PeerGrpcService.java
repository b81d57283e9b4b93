package dev.vigil.transport.grpc;

import dev.vigil.proto.v1.HelloMsg;
import dev.vigil.proto.v1.PeerServiceGrpc;
import dev.vigil.proto.v1.VoteReply;
import dev.vigil.proto.v1.VoteRequest;
import dev.vigil.watcher.Watcher;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.Executor;

/** A watcher's PeerService: Hello, IsPrimaryDown and RequestVote from its configured peers. */
public final class PeerGrpcService extends PeerServiceGrpc.PeerServiceImplBase {
    private final Watcher watcher;
    private final Executor core;

    public PeerGrpcService(Watcher watcher, Executor core) {
        this.watcher = watcher;
        this.core = core;
    }

    @Override
    public void hello(HelloMsg request, StreamObserver<HelloMsg> out) {
        isPrimaryDown(request, out);
    }

    @Override
    public void isPrimaryDown(HelloMsg request, StreamObserver<HelloMsg> out) {
        if (Calls.authorized(out, request.getFrom())) {
            Calls.unary(core, out, () -> Convert.proto(watcher.onIsPrimaryDown(Convert.domain(request))));
        }
    }

    @Override
    public void requestVote(VoteRequest request, StreamObserver<VoteReply> out) {
        if (Calls.authorized(out, request.getCandidate())) {
            Calls.unary(core, out, () -> Convert.proto(watcher.onRequestVote(Convert.domain(request))));
        }
    }
}
