package dev.vigil.transport.grpc;

import dev.vigil.proto.v1.HelloBatchReply;
import dev.vigil.proto.v1.HelloBatchRequest;
import dev.vigil.proto.v1.HelloMsg;
import dev.vigil.proto.v1.HelloResult;
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

    /** Each hello answered as {@link #isPrimaryDown} would, in one core task per {@link Calls#CHUNK} hellos. */
    @Override
    public void helloBatch(HelloBatchRequest request, StreamObserver<HelloBatchReply> out) {
        for (String from : request.getHellosList().stream().map(HelloMsg::getFrom).distinct().toList()) {
            if (!Calls.authorized(out, from)) {
                return;
            }
        }
        Calls.batch(core, out, request.getHellosList(),
                h -> HelloResult.newBuilder().setView(Convert.proto(watcher.onIsPrimaryDown(Convert.domain(h)))).build(),
                e -> HelloResult.newBuilder().setError(e).build(),
                results -> HelloBatchReply.newBuilder().addAllResults(results).build());
    }

    @Override
    public void requestVote(VoteRequest request, StreamObserver<VoteReply> out) {
        if (Calls.authorized(out, request.getCandidate())) {
            Calls.unary(core, out, () -> Convert.proto(watcher.onRequestVote(Convert.domain(request))));
        }
    }
}
