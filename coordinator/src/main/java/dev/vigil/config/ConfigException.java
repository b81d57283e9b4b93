package dev.vigil.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The cluster file was refused. Carries every problem found, not just the first, so an
 * operator fixes the file in one pass; the message is one {@link ConfigError} per line.
 */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient List<ConfigError> errors;

    public ConfigException(List<ConfigError> errors) {
        super(errors.stream().map(ConfigError::toString).collect(Collectors.joining("\n")));
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one error");
        }
        this.errors = List.copyOf(errors);
    }

    public List<ConfigError> errors() {
        return errors;
    }

    /**
     * One problem: the file, the 1-based line (0 when unknown), the key path
     * ({@code groups[0].nodes[1].agent}; empty for the file as a whole) and the reason.
     */
    public record ConfigError(Path file, int line, String key, String message) {
        public ConfigError {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(message, "message");
            key = key == null ? "" : key;
        }

        /** {@code file:line: key: message}; {@code :line} is left out when unknown, {@code key: } when empty. */
        @Override
        public String toString() {
            return file + (line > 0 ? ":" + line : "") + ": " + (key.isEmpty() ? "" : key + ": ") + message;
        }
    }
}
