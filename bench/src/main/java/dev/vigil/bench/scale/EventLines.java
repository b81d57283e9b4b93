package dev.vigil.bench.scale;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * The event lines of a daemon's log ({@code <time> <level> events <Type> k=v ...}), read after
 * the fact: the log is what an operator has, and unlike {@code vigil events} it keeps every
 * event of a 10,000-group run.
 */
record EventLines(List<Line> lines) {
    record Line(long atMs, String text) {
        boolean is(String type, String... fields) {
            if (!text.contains(" " + type + " ")) {
                return false;
            }
            for (String f : fields) {
                if (!text.contains(" " + f + " ") && !text.endsWith(" " + f)) {
                    return false;
                }
            }
            return true;
        }
    }

    static EventLines read(Path log) {
        try (Stream<String> s = Files.lines(log)) {
            return new EventLines(s.filter(l -> l.contains(" events ")).map(EventLines::parse)
                    .filter(l -> l != null).toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Line parse(String line) {
        int space = line.indexOf(' ');
        try {
            return new Line(OffsetDateTime.parse(line.substring(0, space)).toInstant().toEpochMilli(), line);
        } catch (RuntimeException e) {
            return null;
        }
    }

    long count(long fromMs, long toMs, String type, String... fields) {
        return lines.stream().filter(l -> l.atMs() >= fromMs && l.atMs() < toMs && l.is(type, fields)).count();
    }

    OptionalLong first(long fromMs, String type, String... fields) {
        return lines.stream().filter(l -> l.atMs() >= fromMs && l.is(type, fields)).mapToLong(Line::atMs).min();
    }
}
