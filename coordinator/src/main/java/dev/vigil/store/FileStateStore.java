package dev.vigil.store;

import dev.vigil.core.GroupId;
import dev.vigil.core.NodeId;
import dev.vigil.core.WatcherId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link StateStore} on disk: one file per group, {@code <dir>/<group>.state}, of UTF-8
 * {@code key=value} lines ({@code version=1}, {@code kind=}, the codec's fields, and a final
 * {@code crc32=} over everything before it). {@link #save} writes {@code <group>.state.tmp},
 * forces it to disk, renames it atomically over the old file and forces the directory, so a
 * crash at any point leaves either the old value or the new one. {@link #load} refuses a file it
 * cannot fully account for with a {@link CorruptStateException} naming the file and the line: a
 * daemon must not start and silently forget a vote it cast.
 *
 * <p>{@link #saveLater} values are written by one background thread, {@code vigil-state-writer},
 * started on first use; {@link #close} writes what is still pending. The store remembers what
 * each file holds, so a {@link #save} of the same value again costs no disk write.
 */
public final class FileStateStore<V> implements StateStore<V>, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FileStateStore.class);

    /** Turns one kind of state into fields and back. Encode in a stable order; decode via {@link Fields}. */
    public interface Codec<V> {
        /** Written as {@code kind=}, so a watcher never loads an agent's file or the reverse. */
        String kind();

        void encode(V value, Map<String, String> out);

        V decode(Fields in);
    }

    /** The state file could not be read back in full; the daemon should refuse to start on it. */
    public static final class CorruptStateException extends IllegalStateException {
        private final transient Path file;
        private final int line;

        CorruptStateException(Path file, int line, String reason) {
            super("corrupt state file " + file + (line > 0 ? " line " + line : "") + ": " + reason
                    + " (fix or remove it only if you know this node's votes and terms may be forgotten)");
            this.file = file;
            this.line = line;
        }

        public Path file() {
            return file;
        }

        /** The offending line, 1-based; 0 when the problem is the file as a whole (a missing key). */
        public int line() {
            return line;
        }
    }

    static final int VERSION = 1;
    private static final String SUFFIX = ".state";
    private static final String TMP_SUFFIX = ".state.tmp";

    private final Path dir;
    private final Codec<V> codec;
    private final boolean posix;
    private final Map<GroupId, Object> locks = new ConcurrentHashMap<>();
    /** What each file holds, as loaded or last written. */
    private final Map<GroupId, V> onDisk = new ConcurrentHashMap<>();
    private final Map<GroupId, V> pending = new ConcurrentHashMap<>();
    private ScheduledThreadPoolExecutor writer; // guarded by this
    private boolean closed; // guarded by this

    public FileStateStore(Path dir, Codec<V> codec) {
        this.dir = dir.toAbsolutePath().normalize();
        this.codec = codec;
        this.posix = this.dir.getFileSystem().supportedFileAttributeViews().contains("posix");
        try {
            if (posix) {
                Files.createDirectories(this.dir, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectories(this.dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create state directory " + this.dir + ": " + e.getMessage(), e);
        }
        // A process killed between a rename and its directory fsync leaves a file that reads
        // back but may not survive a power loss: make it durable before save() trusts it as the
        // value on disk and skips writing it again.
        syncDirectory();
    }

    public static FileStateStore<WatcherState> forWatcher(Path dir) {
        return new FileStateStore<>(dir, WATCHER);
    }

    public static FileStateStore<AgentState> forAgent(Path dir) {
        return new FileStateStore<>(dir, AGENT);
    }

    public Path directory() {
        return dir;
    }

    /** Where a group's state lives. */
    public Path file(GroupId group) {
        return dir.resolve(group.value() + SUFFIX);
    }

    @Override
    public V load(GroupId group) {
        synchronized (lock(group)) {
            V queued = pending.get(group);
            if (queued != null) {
                return queued;
            }
            Path file = file(group);
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (NoSuchFileException e) {
                return null;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read state file " + file + ": " + e.getMessage(), e);
            }
            V value;
            try {
                value = parse(bytes);
            } catch (ParseError e) {
                throw new CorruptStateException(file, e.line, e.getMessage());
            }
            onDisk.put(group, value);
            return value;
        }
    }

    @Override
    public void save(GroupId group, V value) {
        synchronized (lock(group)) {
            pending.remove(group);
            if (!value.equals(onDisk.get(group))) {
                write(group, value);
            }
        }
    }

    @Override
    public void saveLater(GroupId group, V value) {
        synchronized (lock(group)) {
            if (pending.put(group, value) != null) {
                return; // already queued: written when the first value was due, as this one
            }
        }
        synchronized (this) {
            if (!closed) {
                writer().schedule(() -> writePending(group), LATER_MS, TimeUnit.MILLISECONDS);
                return;
            }
        }
        writePending(group);
    }

    /** One lock per group: the writer thread's fsync of one group never holds up a save of another. */
    private Object lock(GroupId group) {
        return locks.computeIfAbsent(group, g -> new Object());
    }

    private ScheduledThreadPoolExecutor writer() {
        if (writer == null) {
            writer = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "vigil-state-writer");
                t.setDaemon(true);
                return t;
            });
            writer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false); // close writes them at once
        }
        return writer;
    }

    private void writePending(GroupId group) {
        synchronized (lock(group)) {
            V value = pending.remove(group);
            if (value == null || value.equals(onDisk.get(group))) {
                return;
            }
            try {
                write(group, value);
            } catch (RuntimeException e) {
                log.warn("state file of group {} keeps its older value, so a restart may run one hook more: {}",
                        group, e.getMessage());
            }
        }
    }

    /** Writes what {@link #saveLater} still holds, then stops the writer thread. */
    @Override
    public void close() {
        ScheduledThreadPoolExecutor w;
        synchronized (this) {
            closed = true;
            w = writer;
            writer = null;
        }
        if (w != null) {
            w.shutdown(); // a write under way finishes; the queued ones are written below
            try {
                w.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (GroupId g : List.copyOf(pending.keySet())) {
            writePending(g);
        }
    }

    private void write(GroupId group, V value) {
        Path file = file(group);
        Path tmp = dir.resolve(group.value() + TMP_SUFFIX);
        byte[] bytes = format(value);
        try {
            // A leftover temp file from a crash is stale by definition: start afresh with our mode.
            Files.deleteIfExists(tmp);
            FileAttribute<?>[] attrs = posix
                    ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rw-------"))}
                    : new FileAttribute<?>[0];
            try (FileChannel ch = FileChannel.open(tmp,
                    Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), attrs)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save state file " + file + ": " + e.getMessage(), e);
        }
        syncDirectory();
        onDisk.put(group, value);
    }

    /** Makes the rename itself durable: without it a crash may bring the old file back. */
    private void syncDirectory() {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // Some platforms and filesystems cannot open or fsync a directory (Windows, some
            // network and FUSE filesystems). There the rename is as durable as the filesystem
            // makes it and nothing we can do adds to that, so failing every save would only turn
            // a weaker guarantee into no service at all.
        }
    }

    // ---- the format ------------------------------------------------------------------------

    byte[] format(V value) {
        Map<String, String> fields = new LinkedHashMap<>();
        codec.encode(value, fields);
        var sb = new StringBuilder();
        sb.append("version=").append(VERSION).append('\n');
        sb.append("kind=").append(codec.kind()).append('\n');
        fields.forEach((k, v) -> {
            if (!validKey(k) || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0) {
                throw new IllegalArgumentException("cannot store field " + k + "=" + v);
            }
            sb.append(k).append('=').append(v).append('\n');
        });
        byte[] body = sb.toString().getBytes(StandardCharsets.UTF_8);
        String crc = "crc32=" + String.format("%08x", crc(body, body.length)) + "\n";
        byte[] tail = crc.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[body.length + tail.length];
        System.arraycopy(body, 0, out, 0, body.length);
        System.arraycopy(tail, 0, out, body.length, tail.length);
        return out;
    }

    V parse(byte[] bytes) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ParseError(0, "not valid UTF-8");
        }
        if (text.isEmpty()) {
            throw new ParseError(0, "empty file (truncated?)");
        }
        String[] lines = text.split("\n", -1);
        int complete = lines.length - 1; // the text after the last newline is an unfinished line
        if (!lines[complete].isEmpty()) {
            throw new ParseError(complete + 1, "unterminated last line \"" + excerpt(lines[complete])
                    + "\" (truncated?)");
        }
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, Integer> lineOf = new LinkedHashMap<>();
        int offset = 0;
        for (int i = 0; i < complete; i++) {
            String line = lines[i];
            int n = i + 1;
            int eq = line.indexOf('=');
            if (eq <= 0 || !validKey(line.substring(0, eq))) {
                throw new ParseError(n, "expected key=value, got \"" + excerpt(line) + "\"");
            }
            String key = line.substring(0, eq);
            String value = line.substring(eq + 1);
            if (key.equals("crc32")) {
                if (i != complete - 1) {
                    throw new ParseError(n, "crc32 must be the last line");
                }
                long want = crc(bytes, offset);
                if (!value.equals(String.format("%08x", want))) {
                    throw new ParseError(n, "checksum mismatch: file says " + excerpt(value) + ", content gives "
                            + String.format("%08x", want) + " (truncated or edited?)");
                }
            } else if (values.putIfAbsent(key, value) != null) {
                throw new ParseError(n, "duplicate key " + key);
            }
            lineOf.put(key, n);
            offset += line.getBytes(StandardCharsets.UTF_8).length + 1;
        }
        if (!lineOf.containsKey("crc32")) {
            throw new ParseError(0, "no crc32 line at the end (truncated?)");
        }
        Fields f = new Fields(values, lineOf);
        long version = f.nonNegativeLong("version");
        if (version != VERSION) {
            throw new ParseError(lineOf.get("version"), "unsupported version " + version + ", this build reads "
                    + VERSION);
        }
        String kind = f.string("kind");
        if (!kind.equals(codec.kind())) {
            throw new ParseError(lineOf.get("kind"), "holds " + excerpt(kind) + " state, expected " + codec.kind());
        }
        V v = codec.decode(f);
        for (var e : values.entrySet()) {
            if (!f.used.contains(e.getKey())) {
                throw new ParseError(lineOf.get(e.getKey()), "unknown key " + e.getKey());
            }
        }
        return v;
    }

    private static long crc(byte[] bytes, int length) {
        CRC32 c = new CRC32();
        c.update(bytes, 0, length);
        return c.getValue();
    }

    private static boolean validKey(String k) {
        return !k.isEmpty() && k.chars().allMatch(c -> (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9'));
    }

    private static String excerpt(String s) {
        String t = s.length() > 60 ? s.substring(0, 60) + "…" : s;
        var sb = new StringBuilder();
        t.chars().forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\x%02x", c));
            } else {
                sb.append((char) c);
            }
        });
        return sb.toString();
    }

    /** The fields of a file being decoded; each accessor names the line of a bad value. */
    public static final class Fields {
        private final Map<String, String> values;
        private final Map<String, Integer> lineOf;
        private final Set<String> used = new HashSet<>();

        Fields(Map<String, String> values, Map<String, Integer> lineOf) {
            this.values = values;
            this.lineOf = lineOf;
        }

        public String string(String key) {
            String v = values.get(key);
            if (v == null) {
                throw new ParseError(0, "missing key " + key + " (truncated?)");
            }
            used.add(key);
            return v;
        }

        public long nonNegativeLong(String key) {
            String v = string(key);
            try {
                long n = Long.parseLong(v);
                if (n >= 0 && v.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new ParseError(lineOf.get(key), key + " must be a non-negative integer, got \"" + excerpt(v) + "\"");
        }

        /** {@code true} or {@code false}; {@code ifAbsent} for a file written before the key existed. */
        public boolean bool(String key, boolean ifAbsent) {
            if (!values.containsKey(key)) {
                return ifAbsent;
            }
            String v = string(key);
            if (v.equals("true") || v.equals("false")) {
                return v.equals("true");
            }
            throw new ParseError(lineOf.get(key), key + " must be true or false, got \"" + excerpt(v) + "\"");
        }

        /** A value that may be absent, written as an empty string; null then. */
        public <T> T optional(String key, Function<String, T> parse) {
            String v = string(key);
            if (v.isEmpty()) {
                return null;
            }
            try {
                return parse.apply(v);
            } catch (IllegalArgumentException e) {
                throw new ParseError(lineOf.get(key), "bad " + key + ": " + e.getMessage());
            }
        }
    }

    private static final class ParseError extends RuntimeException {
        final int line;

        ParseError(int line, String message) {
            super(message, null, false, false);
            this.line = line;
        }
    }

    // ---- the two codecs --------------------------------------------------------------------

    private static String orEmpty(Object o) {
        return o == null ? "" : o.toString();
    }

    static final Codec<WatcherState> WATCHER = new Codec<>() {
        @Override
        public String kind() {
            return "watcher";
        }

        @Override
        public void encode(WatcherState s, Map<String, String> out) {
            out.put("term", Long.toString(s.term()));
            out.put("votedFor", orEmpty(s.votedFor()));
            out.put("lastVoteTerm", Long.toString(s.lastVoteTerm()));
            out.put("lastVoteEpoch", Long.toString(s.lastVoteEpoch()));
            out.put("configEpoch", Long.toString(s.configEpoch()));
            out.put("primary", orEmpty(s.primary()));
        }

        @Override
        public WatcherState decode(Fields in) {
            return new WatcherState(in.nonNegativeLong("term"), in.optional("votedFor", WatcherId::new),
                    in.nonNegativeLong("lastVoteTerm"), in.nonNegativeLong("lastVoteEpoch"),
                    in.nonNegativeLong("configEpoch"), in.optional("primary", NodeId::new));
        }
    };

    static final Codec<AgentState> AGENT = new Codec<>() {
        @Override
        public String kind() {
            return "agent";
        }

        @Override
        public void encode(AgentState s, Map<String, String> out) {
            out.put("highestTerm", Long.toString(s.highestTerm()));
            out.put("configEpoch", Long.toString(s.configEpoch()));
            out.put("primary", orEmpty(s.primary()));
            out.put("mayHoldIp", Boolean.toString(s.mayHoldIp()));
        }

        @Override
        public AgentState decode(Fields in) {
            // Files written before mayHoldIp existed say nothing about the IP: assume it may be here.
            return new AgentState(in.nonNegativeLong("highestTerm"), in.nonNegativeLong("configEpoch"),
                    in.optional("primary", NodeId::new), in.bool("mayHoldIp", true));
        }
    };
}
