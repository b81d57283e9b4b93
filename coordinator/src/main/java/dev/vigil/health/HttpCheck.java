package dev.vigil.health;

import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * {@code GET http(s)://127.0.0.1:port/path} answers with the expected status (200 unless the
 * cluster file says otherwise) within the timeout; redirects are not followed (a 301 is a 301),
 * the body is discarded. The timeout bounds the whole exchange, connecting included: the
 * request's own timeout, and a hard wait on the response that cancels the exchange.
 *
 * <p>With {@code https} any certificate is accepted and the host name is not verified. The
 * check talks over loopback to the node's own service, whose certificate names the service's
 * public name rather than 127.0.0.1 and may come from a CA this host does not trust; what is
 * checked is that the service answers, and nothing sent or received is secret.
 */
public final class HttpCheck implements ServiceCheck {
    private final URI uri;
    private final int expect;
    private final String label;
    private final HttpClient client;

    /** @param expect the status that means healthy; 0 means 200 */
    public HttpCheck(int port, String path, int expect, boolean https) {
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("http check port must be 1 to 65535, got " + port);
        }
        String p = path == null || path.isEmpty() ? "/" : path;
        if (!p.startsWith("/")) {
            throw new IllegalArgumentException("http check path must start with '/', got '" + p + "'");
        }
        this.uri = URI.create((https ? "https" : "http") + "://" + LOOPBACK + ":" + port + p);
        this.expect = expect == 0 ? 200 : expect;
        this.label = "http " + uri;
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER);
        if (https) {
            b.sslContext(trustingEveryCertificate());
        }
        this.client = b.build();
    }

    @Override
    public CheckResult check(long timeoutMs) {
        HttpRequest request = HttpRequest.newBuilder(uri).GET().timeout(Duration.ofMillis(Math.max(1, timeoutMs)))
                .header("User-Agent", "vigil-agent").build();
        CompletableFuture<HttpResponse<Void>> f = client.sendAsync(request, HttpResponse.BodyHandlers.discarding());
        try {
            int status = f.get(timeoutMs, TimeUnit.MILLISECONDS).statusCode();
            return status == expect ? CheckResult.ok(label + ": status " + status)
                    : CheckResult.failed(label + ": status " + status + " (expected " + expect + ")");
        } catch (TimeoutException e) {
            f.cancel(true);
            return CheckResult.failed(label + ": " + CheckResult.noAnswer(timeoutMs));
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return CheckResult.failed(label + ": " + CheckResult.why(cause, timeoutMs));
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            return CheckResult.failed(label + ": interrupted");
        }
    }

    @Override
    public String toString() {
        return label;
    }

    private static SSLContext trustingEveryCertificate() {
        // An X509ExtendedTrustManager, not a plain X509TrustManager: JSSE wraps the plain kind in
        // one that still checks the host name, which the service's certificate would fail.
        TrustManager any = new X509ExtendedTrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {any}, new SecureRandom());
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS in this JVM", e);
        }
    }
}
