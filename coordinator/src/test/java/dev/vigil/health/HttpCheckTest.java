package dev.vigil.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real HTTP server on 127.0.0.1, port chosen by the kernel. */
class HttpCheckTest {
    private final CountDownLatch release = new CountDownLatch(1);
    private final ExecutorService handlers = Executors.newCachedThreadPool();
    private HttpServer server;
    private int port;

    @TempDir
    Path dir;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        routes(server);
        server.setExecutor(handlers);
        server.start();
        port = server.getAddress().getPort();
    }

    private void routes(HttpServer s) {
        s.createContext("/health", status(200));
        s.createContext("/down", status(503));
        s.createContext("/created", status(201));
        s.createContext("/moved", ex -> {
            ex.getResponseHeaders().add("Location", "/health");
            reply(ex, 301);
        });
        s.createContext("/slow", ex -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            reply(ex, 200);
        });
    }

    @AfterEach
    void stopServer() {
        release.countDown();
        server.stop(0);
        handlers.shutdownNow();
    }

    private static HttpHandler status(int code) {
        return ex -> reply(ex, code);
    }

    private static void reply(HttpExchange ex, int code) throws IOException {
        byte[] body = ("status " + code + "\n").getBytes();
        ex.sendResponseHeaders(code, body.length);
        ex.getResponseBody().write(body);
        ex.close();
    }

    @Test
    void okOnTheExpectedStatus() {
        CheckResult r = new HttpCheck(port, "/health", 0, false).check(2_000);

        assertTrue(r.ok(), r.reason());
        assertEquals("http http://127.0.0.1:" + port + "/health: status 200", r.reason());
    }

    @Test
    void failsOnAnotherStatus() {
        CheckResult r = new HttpCheck(port, "/down", 200, false).check(2_000);

        assertFalse(r.ok());
        assertEquals("http http://127.0.0.1:" + port + "/down: status 503 (expected 200)", r.reason());
    }

    @Test
    void theExpectedStatusIsConfigurable() {
        assertTrue(new HttpCheck(port, "/created", 201, false).check(2_000).ok());
        assertFalse(new HttpCheck(port, "/health", 201, false).check(2_000).ok());
    }

    @Test
    void doesNotFollowRedirects() {
        CheckResult r = new HttpCheck(port, "/moved", 0, false).check(2_000);

        assertFalse(r.ok());
        assertTrue(r.reason().endsWith("/moved: status 301 (expected 200)"), r.reason());
    }

    @Test
    void failsWhenNoAnswerComesWithinTheTimeout() {
        long start = System.nanoTime();
        CheckResult r = new HttpCheck(port, "/slow", 0, false).check(300);
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertFalse(r.ok());
        assertEquals("http http://127.0.0.1:" + port + "/slow: no answer within 300 ms", r.reason());
        assertTrue(tookMs < 2_000, "gave up after " + tookMs + " ms");
    }

    @Test
    void failsOnAClosedPort() throws IOException {
        int closed = TcpCheckTest.closedPort();

        CheckResult r = new HttpCheck(closed, "/health", 0, false).check(2_000);

        assertFalse(r.ok());
        assertEquals("http http://127.0.0.1:" + closed + "/health: connection refused", r.reason());
    }

    @Test
    void aCheckCanRunAgainAndAgain() {
        var check = new HttpCheck(port, "/health", 0, false);
        for (int i = 0; i < 5; i++) {
            assertTrue(check.check(2_000).ok());
        }
    }

    @Test
    void httpsTrustsAnyCertificateAndIgnoresItsName() throws Exception {
        Path keystore = selfSignedKeystore("CN=service.example.net");
        var ctx = SSLContext.getInstance("TLS");
        var ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, "changeit".toCharArray());
        }
        var kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        ctx.init(kmf.getKeyManagers(), null, null);
        HttpsServer tls = HttpsServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        tls.setHttpsConfigurator(new HttpsConfigurator(ctx));
        routes(tls);
        tls.setExecutor(handlers);
        tls.start();
        try {
            int p = tls.getAddress().getPort();

            CheckResult r = new HttpCheck(p, "/health", 0, true).check(5_000);

            assertTrue(r.ok(), r.reason());
            assertEquals("http https://127.0.0.1:" + p + "/health: status 200", r.reason());
            assertFalse(new HttpCheck(p, "/down", 0, true).check(5_000).ok());
        } finally {
            tls.stop(0);
        }
    }

    /** A PKCS12 keystore holding a self-signed certificate, made by the JDK's keytool. */
    private Path selfSignedKeystore(String dname) throws IOException, InterruptedException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        assumeTrue(Files.isExecutable(keytool), "no keytool in " + keytool);
        Path ks = dir.resolve("service.p12");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "service", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", dname, "-validity", "2", "-storetype", "PKCS12",
                "-keystore", ks.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "keytool hung");
        assertEquals(0, p.exitValue(), out);
        return ks;
    }
}
