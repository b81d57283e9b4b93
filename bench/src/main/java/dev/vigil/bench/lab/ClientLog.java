package dev.vigil.bench.lab;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * What the lab's client saw: the lines {@code <monotonic ms> <host or ->} that
 * {@code vigil lab poll} appends, read incrementally. Times are {@code System.nanoTime()}
 * milliseconds, the same clock as {@link #now()} on this machine (CLOCK_MONOTONIC).
 */
final class ClientLog {
    /** One connection attempt: when it started, and who answered ({@code -} for nobody). */
    record Answer(long at, String who) {}

    private final Path file;
    private final List<Answer> answers = new ArrayList<>();
    private long offset;
    private String partial = "";

    ClientLog(Path file) {
        this.file = file;
    }

    static long now() {
        return System.nanoTime() / 1_000_000;
    }

    /** Forgets every answer and deletes the file, for a new client. */
    synchronized void clear() {
        answers.clear();
        offset = 0;
        partial = "";
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Every answer so far. */
    synchronized List<Answer> answers() {
        refresh();
        return List.copyOf(answers);
    }

    /** Answers with {@code from <= at < to}. */
    List<Answer> between(long from, long to) {
        return answers().stream().filter(a -> a.at >= from && a.at < to).toList();
    }

    /** When {@code who} first answered at or after {@code after}. */
    OptionalLong first(String who, long after) {
        return answers().stream().filter(a -> a.at >= after && a.who.equals(who)).mapToLong(Answer::at).findFirst();
    }

    /** Whether every attempt in the last {@code ms} was answered by {@code who} (and there were some). */
    boolean steady(String who, long ms) {
        List<Answer> recent = between(now() - ms, Long.MAX_VALUE);
        return recent.size() >= ms / 40 && recent.stream().allMatch(a -> a.who.equals(who));
    }

    /** The hosts that answered in {@code [from, to)}, consecutive repeats and {@code -} dropped: "n1 n2 n1". */
    String sequence(long from, long to) {
        StringBuilder sb = new StringBuilder();
        String last = null;
        for (Answer a : between(from, to)) {
            if (!a.who.equals("-") && !a.who.equals(last)) {
                sb.append(sb.length() == 0 ? "" : " ").append(a.who);
                last = a.who;
            }
        }
        return sb.toString();
    }

    /** How many times the answering host changed in {@code [from, to)} ({@code -} ignored). */
    int switches(long from, long to) {
        String s = sequence(from, to);
        return s.isEmpty() ? 0 : s.split(" ").length - 1;
    }

    /** The longest run of unanswered attempts in {@code [from, to)}, in ms. */
    long longestGap(long from, long to) {
        long longest = 0;
        long start = -1;
        for (Answer a : between(from, to)) {
            if (a.who.equals("-")) {
                start = start < 0 ? a.at : start;
            } else {
                if (start >= 0) {
                    longest = Math.max(longest, a.at - start);
                }
                start = -1;
            }
        }
        return longest;
    }

    private void refresh() {
        if (!Files.exists(file)) {
            return;
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            if (f.length() <= offset) {
                return;
            }
            byte[] buf = new byte[(int) (f.length() - offset)];
            f.seek(offset);
            f.readFully(buf);
            offset += buf.length;
            String text = partial + new String(buf, StandardCharsets.UTF_8);
            int end = text.lastIndexOf('\n');
            partial = text.substring(end + 1);
            for (String line : text.substring(0, Math.max(end, 0)).split("\n")) {
                String[] f2 = line.split(" ");
                if (f2.length == 2) {
                    try {
                        answers.add(new Answer(Long.parseLong(f2[0]), f2[1]));
                    } catch (NumberFormatException e) {
                        // a torn line; the poller writes whole lines, so this is only noise
                    }
                }
            }
        } catch (IOException e) {
            // the poller is still creating the file; the next refresh reads it
        }
    }
}
