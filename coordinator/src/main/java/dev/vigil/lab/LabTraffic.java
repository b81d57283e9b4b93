package dev.vigil.lab;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The lab's traffic: a service on each HA node that answers every connection with its host
 * name, and a client that connects to the floating IP every few milliseconds and logs, with a
 * monotonic timestamp, who answered ({@code -} for no answer).
 */
public final class LabTraffic {
    private LabTraffic() {}

    /** Answers each connection on {@code port} with {@code name} and a newline, forever. */
    public static void serve(int port, String name) throws IOException {
        byte[] reply = (name + "\n").getBytes(StandardCharsets.UTF_8);
        try (ServerSocket server = new ServerSocket()) {
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(port));
            while (true) {
                try (Socket s = server.accept(); OutputStream out = s.getOutputStream()) {
                    out.write(reply);
                } catch (IOException e) {
                    // one client's trouble is not the service's
                }
            }
        }
    }

    /**
     * Connects to {@code host:port} every {@code everyMs} for {@code durationMs}, appending
     * {@code <monotonic ms> <answer>} lines to {@code out} (flushed per line).
     */
    public static void poll(String host, int port, long everyMs, long durationMs, Path out) throws IOException {
        long start = System.nanoTime();
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out, StandardCharsets.UTF_8), true)) {
            while ((System.nanoTime() - start) / 1_000_000 < durationMs) {
                long t = System.nanoTime();
                w.println(t / 1_000_000 + " " + ask(host, port, (int) Math.max(everyMs * 2, 40)));
                long sleep = everyMs - (System.nanoTime() - t) / 1_000_000;
                if (sleep > 0) {
                    try {
                        Thread.sleep(sleep);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }
    }

    private static String ask(String host, int port, int timeoutMs) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), timeoutMs);
            s.setSoTimeout(timeoutMs);
            InputStream in = s.getInputStream();
            byte[] buf = in.readNBytes(64);
            String name = new String(buf, StandardCharsets.UTF_8).strip();
            return name.isEmpty() ? "-" : name;
        } catch (IOException e) {
            return "-";
        }
    }
}
