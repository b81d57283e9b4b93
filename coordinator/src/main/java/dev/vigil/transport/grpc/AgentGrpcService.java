package dev.vigil.transport.grpc;

import dev.vigil.agent.Agent;
import dev.vigil.proto.v1.AgentReply;
import dev.vigil.proto.v1.AgentServiceGrpc;
import dev.vigil.proto.v1.AgentStatus;
import dev.vigil.proto.v1.AgentStatusRequest;
import dev.vigil.proto.v1.ProbeBatchReply;
import dev.vigil.proto.v1.ProbeBatchRequest;
import dev.vigil.proto.v1.ProbeReply;
import dev.vigil.proto.v1.ProbeRequest;
import dev.vigil.proto.v1.ProbeResult;
import dev.vigil.proto.v1.PromoteRequest;
import dev.vigil.proto.v1.ReleaseRequest;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.Executor;

/** A node's AgentService: probes, Promote and Release from the watchers, and a status snapshot. */
public final class AgentGrpcService extends AgentServiceGrpc.AgentServiceImplBase {
    private final Agent agent;
    private final Executor core;

    public AgentGrpcService(Agent agent, Executor core) {
        this.agent = agent;
        this.core = core;
    }

    @Override
    public void probe(ProbeRequest request, StreamObserver<ProbeReply> out) {
        if (Calls.authorized(out, request.getWatcher())) {
            Calls.unary(core, out, () -> Convert.proto(agent.onProbe(Convert.domain(request))));
        }
    }

    /** Each probe answered as {@link #probe} would, in one core task per {@link Calls#CHUNK} probes. */
    @Override
    public void probeBatch(ProbeBatchRequest request, StreamObserver<ProbeBatchReply> out) {
        for (String w : request.getProbesList().stream().map(ProbeRequest::getWatcher).distinct().toList()) {
            if (!Calls.authorized(out, w)) {
                return;
            }
        }
        Calls.batch(core, out, request.getProbesList(),
                p -> ProbeResult.newBuilder().setReply(Convert.proto(agent.onProbe(Convert.domain(p)))).build(),
                e -> ProbeResult.newBuilder().setError(e).build(),
                results -> ProbeBatchReply.newBuilder().addAllResults(results).build());
    }

    @Override
    public void promote(PromoteRequest request, StreamObserver<AgentReply> out) {
        if (Calls.authorized(out, request.getLeader())) {
            Calls.submit(core, out, () -> agent.onPromote(Convert.domain(request), r -> {
                out.onNext(Convert.proto(r));
                out.onCompleted();
            }));
        }
    }

    @Override
    public void release(ReleaseRequest request, StreamObserver<AgentReply> out) {
        if (Calls.authorized(out, request.getLeader())) {
            Calls.submit(core, out, () -> agent.onRelease(Convert.domain(request), r -> {
                out.onNext(Convert.proto(r));
                out.onCompleted();
            }));
        }
    }

    @Override
    public void status(AgentStatusRequest request, StreamObserver<AgentStatus> out) {
        Calls.unary(core, out, () -> {
            var b = AgentStatus.newBuilder();
            agent.status().forEach(r -> b.addGroups(Convert.proto(r)));
            return b.build();
        });
    }
}
