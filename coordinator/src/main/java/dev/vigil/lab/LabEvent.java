package dev.vigil.lab;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One decision a lab process logged ({@code <time> <level> events <Type> k=v ...}), read back
 * from its log. {@code at} is in the monotonic milliseconds of {@link System#nanoTime()}, the
 * clock of the client's log and of the faults, converted from the log's wall-clock time.
 */
public record LabEvent(long at, String process, String type, Map<String, String> fields) {
    private static final Pattern LINE =
            Pattern.compile("^(\\S+)\\s+(?:TRACE|DEBUG|INFO|WARN|ERROR)\\s+events (\\w+)(.*)$");
    private static final Pattern FIELD = Pattern.compile("\\s*([\\w-]+)=(\"(?:[^\"\\\\]|\\\\.)*\"|\\S*)");

    public LabEvent {
        fields = Map.copyOf(fields);
    }

    public String field(String name) {
        return fields.getOrDefault(name, "");
    }

    public boolean is(String type, String field, String value) {
        return this.type.equals(type) && value.equals(fields.get(field));
    }

    /** Parses one log line; empty if it is not an event line. {@code wallMinusMono} converts clocks. */
    public static Optional<LabEvent> parse(String process, String line, long wallMinusMono) {
        Matcher m = LINE.matcher(line);
        if (!m.matches()) {
            return Optional.empty();
        }
        long wall;
        try {
            wall = OffsetDateTime.parse(m.group(1)).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
        var fields = new LinkedHashMap<String, String>();
        Matcher f = FIELD.matcher(m.group(3));
        while (f.find()) {
            String v = f.group(2);
            fields.put(f.group(1), v.startsWith("\"") ? unquote(v.substring(1, v.length() - 1)) : v);
        }
        return Optional.of(new LabEvent(wall - wallMinusMono, process, m.group(2), fields));
    }

    /** Undoes {@code Event.describe}'s escapes: {@code \\n}, {@code \\r}, {@code \\"}, {@code \\\\}. */
    private static String unquote(String v) {
        var out = new StringBuilder(v.length());
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '\\' && i + 1 < v.length()) {
                char n = v.charAt(++i);
                out.append(n == 'n' ? '\n' : n == 'r' ? '\r' : n);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
