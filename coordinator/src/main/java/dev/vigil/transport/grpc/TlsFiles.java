package dev.vigil.transport.grpc;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * The PEM files of one process's mutual TLS: the cluster CA, its certificate and its key. A
 * process's certificate names it (CN and a DNS SAN equal to its watcher or node id); clients
 * check the server's name against the id they meant to reach, servers the client's against the
 * id the message claims. Null everywhere means plaintext, for a lab.
 */
public record TlsFiles(Path ca, Path cert, Path key) {
    public static ServerCredentials server(TlsFiles tls) {
        if (tls == null) {
            return InsecureServerCredentials.create();
        }
        try {
            return TlsServerCredentials.newBuilder().keyManager(tls.cert.toFile(), tls.key.toFile())
                    .trustManager(tls.ca.toFile()).clientAuth(TlsServerCredentials.ClientAuth.REQUIRE).build();
        } catch (IOException e) {
            throw new UncheckedIOException("TLS files " + tls + ": " + e.getMessage(), e);
        }
    }

    public static ChannelCredentials client(TlsFiles tls) {
        if (tls == null) {
            return InsecureChannelCredentials.create();
        }
        try {
            return TlsChannelCredentials.newBuilder().keyManager(tls.cert.toFile(), tls.key.toFile())
                    .trustManager(tls.ca.toFile()).build();
        } catch (IOException e) {
            throw new UncheckedIOException("TLS files " + tls + ": " + e.getMessage(), e);
        }
    }
}
