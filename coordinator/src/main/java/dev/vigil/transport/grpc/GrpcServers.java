package dev.vigil.transport.grpc;

import dev.vigil.agent.Agent;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Builds and starts the servers of the two daemons: a watcher serves PeerService and
 * AdminService, an agent AgentService and the standard grpc.health.v1. Every service sits
 * behind the {@link Identity} interceptor; messages are capped at 1 MiB.
 */
public final class GrpcServers {
    private static final int MAX_MESSAGE = 1 << 20;

    private GrpcServers() {}

    /** A started server, as the composition roots see it. */
    public static final class Running implements AutoCloseable {
        private final Server server;

        Running(Server server) {
            this.server = server;
        }

        public int port() {
            return server.getPort();
        }

        public void awaitTermination() throws InterruptedException {
            server.awaitTermination();
        }

        /** Stops taking calls, lets running ones finish for up to 2 s, then cuts them. */
        @Override
        public void close() {
            server.shutdown();
            try {
                server.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            server.shutdownNow();
        }
    }

    public static Running watcher(Endpoint at, TlsFiles tls, PeerGrpcService peer, AdminGrpcService admin)
            throws IOException {
        return start(at, tls, List.of(peer, admin));
    }

    public static Running agent(Endpoint at, TlsFiles tls, Agent agent, java.util.concurrent.Executor core)
            throws IOException {
        HealthStatusManager health = new HealthStatusManager();
        health.setStatus("", ServingStatus.SERVING);
        return start(at, tls, List.of(new AgentGrpcService(agent, core), health.getHealthService()));
    }

    private static Running start(Endpoint at, TlsFiles tls, List<BindableService> services) throws IOException {
        var b = NettyServerBuilder.forAddress(new InetSocketAddress(at.host(), at.port()), TlsFiles.server(tls))
                .maxInboundMessageSize(MAX_MESSAGE).permitKeepAliveTime(10, TimeUnit.SECONDS);
        Identity identity = new Identity();
        for (BindableService s : services) {
            b.addService(ServerInterceptors.intercept(s, identity));
        }
        try {
            return new Running(b.build().start());
        } catch (IOException e) {
            throw new IOException("cannot listen on " + at + ": " + e.getMessage(), e);
        }
    }
}
