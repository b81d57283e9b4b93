package dev.vigil.health;

import dev.vigil.hooks.BoundedProcess;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.Locale;
import java.util.Objects;

/**
 * The outcome of one run of a {@link ServiceCheck}: ok or not, and a reason an operator can act
 * on, naming the kind, the target and what happened ({@code tcp 127.0.0.1:5432: connection
 * refused}). The reason is kept to one line with control characters and quotes escaped, because
 * it ends up inside a {@code ServiceChanged} event's structured log line.
 */
public record CheckResult(boolean ok, String reason) {
    public CheckResult {
        reason = BoundedProcess.oneLine(Objects.requireNonNull(reason, "reason"));
    }

    public static CheckResult ok(String reason) {
        return new CheckResult(true, reason);
    }

    public static CheckResult failed(String reason) {
        return new CheckResult(false, reason);
    }

    /** The words every kind uses for a check that ran out of time. */
    static String noAnswer(long timeoutMs) {
        return "no answer within " + timeoutMs + " ms";
    }

    /**
     * What went wrong, for a reason: a timeout or a refused connection in those words (looking
     * through the causes, as HTTP clients wrap them), anything else as the exception's class and
     * message.
     */
    static String why(Throwable e, long timeoutMs) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException || t instanceof HttpTimeoutException) {
                return noAnswer(timeoutMs);
            }
            if (t instanceof ConnectException) {
                // On loopback a failed connect is a refusal; Java leaves the message out at times.
                String m = t.getMessage();
                return m == null || m.toLowerCase(Locale.ROOT).contains("refused") ? "connection refused"
                        : "cannot connect: " + m;
            }
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + m;
    }
}
