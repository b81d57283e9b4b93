package dev.vigil.transport.grpc;

/** Where a process listens: a host (IP literal or name) and a port. */
public record Endpoint(String host, int port) {
    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
