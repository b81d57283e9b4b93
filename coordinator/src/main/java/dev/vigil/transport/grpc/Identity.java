package dev.vigil.transport.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Who is calling: the CN of the client's certificate under mutual TLS. A service checks that
 * the id a message claims (the voter, the prober, the leader) is the caller's own, so a process
 * holding any cluster certificate cannot speak for another. Without TLS there is no caller
 * identity and no check: plaintext is for labs.
 */
final class Identity implements ServerInterceptor {
    static final Context.Key<String> CALLER = Context.key("vigil-caller");

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        SSLSession ssl = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
        String caller = ssl == null ? null : commonName(ssl);
        return Contexts.interceptCall(Context.current().withValue(CALLER, caller), call, headers, next);
    }

    /** Fails with PERMISSION_DENIED unless the caller is {@code claimed} (always passes in plaintext). */
    static void require(String claimed) {
        String caller = CALLER.get();
        if (caller != null && !caller.equals(claimed)) {
            throw Status.PERMISSION_DENIED
                    .withDescription("certificate of " + caller + " cannot speak for " + claimed).asRuntimeException();
        }
    }

    private static String commonName(SSLSession ssl) {
        try {
            Certificate[] chain = ssl.getPeerCertificates();
            if (chain.length == 0 || !(chain[0] instanceof X509Certificate x)) {
                return "";
            }
            for (var rdn : new LdapName(x.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return rdn.getValue().toString();
                }
            }
            return "";
        } catch (SSLPeerUnverifiedException | InvalidNameException e) {
            return "";
        }
    }
}
