package dev.vigil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vigil.core.GroupId;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the house rules of STYLE.md true by reading the compiled classes' constant pools: the
 * protocol core does no I/O, reads no clock, sleeps not, spawns no threads, draws no unseeded
 * randomness and logs only through EventSink; only {@code cli} touches picocli. No library: a
 * class file's constant pool names every class it uses and every method it calls.
 */
class ArchitectureTest {
    /** Packages (with their subpackages) that hold the protocol core, as class-file paths. */
    private static final List<String> CORE = List.of("core", "detection", "quorum", "election", "failover", "agent",
            "watcher", "transport", "store", "config");

    /**
     * Edge classes that live in core packages: gRPC mapping, the file store, and the cluster
     * file (loading, its errors, its YAML); the protocol sees only the config records it
     * builds (Timings, NodeConfig, GroupConfig, ClusterConfig).
     */
    private static boolean isEdge(String path) {
        String file = path.substring(path.lastIndexOf('/') + 1);
        return path.startsWith("dev/vigil/transport/grpc/") || path.startsWith("dev/vigil/transport/udp/")
                || (path.startsWith("dev/vigil/store/") && file.startsWith("File"))
                || (path.startsWith("dev/vigil/config/") && (file.startsWith("ClusterFile") || file.startsWith("Yaml")
                        || file.startsWith("ConfigException")));
    }

    private static boolean isCore(String path) {
        return CORE.stream().anyMatch(p -> path.startsWith("dev/vigil/" + p + "/")) && !isEdge(path);
    }

    /** Whole packages or classes (prefixes of internal names) the core must not use. */
    private static final List<String> FORBIDDEN_TYPES = List.of(
            "io/grpc/", "com/google/protobuf/", "picocli/", "java/net/", "java/nio/file/", "java/io/File",
            "org/slf4j/", "java/util/concurrent/Executors", "java/time/Clock", "java/util/concurrent/ThreadLocalRandom");

    /** Methods (owner.name) the core must not call. */
    private static final Set<String> FORBIDDEN_CALLS = Set.of(
            "java/lang/System.currentTimeMillis", "java/lang/System.nanoTime", "java/lang/Thread.sleep",
            "java/lang/Thread.<init>", "java/lang/Thread.start", "java/time/Instant.now", "java/lang/Math.random",
            "java/util/Random.<init>");

    // ---- the rules -------------------------------------------------------------------------

    @Test
    void protocolCoreDoesNoIoReadsNoClockAndSpawnsNoThreads() {
        Map<String, List<String>> offenders = new TreeMap<>();
        List<String> scanned = new ArrayList<>();
        for (Path f : classFiles()) {
            String path = relative(f);
            if (isCore(path)) {
                scanned.add(path);
                List<String> v = violations(ClassRefs.read(f));
                if (!v.isEmpty()) {
                    offenders.put(path, v);
                }
            }
        }

        assertTrue(scanned.contains("dev/vigil/agent/Lease.class") && scanned.contains("dev/vigil/detection/Prober.class")
                && scanned.size() > 30, "the scan found the core classes: " + scanned);
        if (!offenders.isEmpty()) {
            fail("protocol core classes reach past their seams (STYLE.md, pattern 1):\n" + format(offenders));
        }
    }

    @Test
    void onlyTheCliUsesPicocli() {
        Map<String, List<String>> offenders = new TreeMap<>();
        for (Path f : classFiles()) {
            String path = relative(f);
            if (!path.startsWith("dev/vigil/cli/")) {
                List<String> v = ClassRefs.read(f).classes.stream().filter(c -> c.startsWith("picocli/")).toList();
                if (!v.isEmpty()) {
                    offenders.put(path, v);
                }
            }
        }

        if (!offenders.isEmpty()) {
            fail("picocli outside dev.vigil.cli:\n" + format(offenders));
        }
    }

    @Test
    void scannerFlagsADeliberatelyBadClass() {
        Path bad = testClassesDir().resolve("dev/vigil/ArchitectureTest$Offender.class");

        List<String> v = violations(ClassRefs.read(bad));

        assertTrue(v.contains("java/lang/System.currentTimeMillis"), v.toString());
        assertTrue(v.contains("java/lang/Thread.sleep"), v.toString());
        assertTrue(v.contains("java/util/Random.<init>"), v.toString());
        assertTrue(v.stream().anyMatch(s -> s.startsWith("java/net/Socket")), v.toString());
        assertTrue(v.contains("java/net/InetAddress"), "a type only in a signature counts too: " + v);
    }

    @Test
    void scannerPassesAnInnocentClass() {
        Path good = testClassesDir().resolve("dev/vigil/ArchitectureTest$Innocent.class");

        assertEquals(List.of(), violations(ClassRefs.read(good)));
    }

    @Test
    void coreSourceFilesStayUnder400Lines() throws IOException {
        Path src = classesDir().getParent().getParent().resolve("src/main/java");
        Map<String, Long> tooLong = new TreeMap<>();
        List<String> scanned = new ArrayList<>();
        try (Stream<Path> files = Files.walk(src)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String path = src.relativize(f).toString().replace('\\', '/');
                if (!isCore(path)) {
                    continue;
                }
                scanned.add(path);
                String text = Files.readString(f);
                long lines = text.lines().count();
                if (lines > MAX_LINES && !text.contains(REASON)) {
                    tooLong.put(path, lines);
                }
            }
        }
        tooLong.forEach((path, n) -> System.out.println("over " + MAX_LINES + " lines: " + path + " " + n));

        assertTrue(scanned.size() > 30, "the scan found the core sources: " + scanned);
        assertEquals(Map.of(), tooLong, "split these, or say in their Javadoc why not, starting with \"" + REASON + "\"");
    }

    private static final int MAX_LINES = 400;

    /** A class longer than {@link #MAX_LINES} must say why in its Javadoc, in words that start so. */
    private static final String REASON = "Longer than " + MAX_LINES + " lines because";

    // ---- the checker -----------------------------------------------------------------------

    static List<String> violations(ClassRefs refs) {
        Set<String> out = new TreeSet<>();
        for (String c : refs.classes) {
            if (FORBIDDEN_TYPES.stream().anyMatch(c::startsWith)) {
                out.add(c);
            }
        }
        for (String m : refs.methods) {
            if (FORBIDDEN_CALLS.contains(m)) {
                out.add(m);
            }
            String owner = m.substring(0, m.indexOf('.'));
            if (FORBIDDEN_TYPES.stream().anyMatch(owner::startsWith)) {
                out.add(owner);
            }
        }
        return List.copyOf(out);
    }

    private static String format(Map<String, List<String>> offenders) {
        var sb = new StringBuilder();
        offenders.forEach((c, v) -> v.forEach(r -> sb.append("  ").append(c).append(" -> ").append(r).append('\n')));
        return sb.toString();
    }

    private static Path classesDir() {
        try {
            Path p = Paths.get(GroupId.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            assertTrue(Files.isDirectory(p), "main classes should be a directory, not " + p);
            return p;
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path testClassesDir() {
        try {
            return Paths.get(ArchitectureTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Path> classFiles() {
        Path root = classesDir();
        try (Stream<Path> s = Files.walk(root.resolve("dev/vigil"))) {
            return s.filter(p -> p.toString().endsWith(".class")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String relative(Path classFile) {
        return classesDir().relativize(classFile).toString().replace('\\', '/');
    }

    /**
     * What one class file refers to, from its constant pool: the internal names of the classes
     * it uses (CONSTANT_Class entries and the types in field and method descriptors) and the
     * methods it calls, as {@code owner.name}.
     */
    static final class ClassRefs {
        final Set<String> classes = new TreeSet<>();
        final Set<String> methods = new TreeSet<>();

        static ClassRefs read(Path classFile) {
            try (InputStream in = Files.newInputStream(classFile)) {
                return read(new DataInputStream(in));
            } catch (IOException e) {
                throw new UncheckedIOException(classFile.toString(), e);
            }
        }

        private static ClassRefs read(DataInputStream in) throws IOException {
            if (in.readInt() != 0xCAFEBABE) {
                throw new IOException("not a class file");
            }
            in.readUnsignedShort(); // minor
            in.readUnsignedShort(); // major
            int count = in.readUnsignedShort();
            String[] utf8 = new String[count];
            int[] tag = new int[count];
            int[] a = new int[count];
            int[] b = new int[count];
            for (int i = 1; i < count; i++) {
                tag[i] = in.readUnsignedByte();
                switch (tag[i]) {
                    case 1 -> utf8[i] = in.readUTF();
                    case 7, 8, 16, 19, 20 -> a[i] = in.readUnsignedShort(); // Class, String, MethodType, Module, Package
                    case 3, 4 -> in.readInt();
                    case 5, 6 -> {
                        in.readLong();
                        i++; // takes two slots
                    }
                    case 9, 10, 11, 12, 17, 18 -> { // Field/Method/InterfaceMethodref, NameAndType, (Invoke)Dynamic
                        a[i] = in.readUnsignedShort();
                        b[i] = in.readUnsignedShort();
                    }
                    case 15 -> { // MethodHandle
                        in.readUnsignedByte();
                        a[i] = in.readUnsignedShort();
                    }
                    default -> throw new IOException("unknown constant pool tag " + tag[i] + " at " + i);
                }
            }
            var refs = new ClassRefs();
            var strings = new TreeSet<Integer>();
            for (int i = 1; i < count; i++) {
                switch (tag[i]) {
                    case 7 -> refs.addType(utf8[a[i]]);
                    case 8 -> strings.add(a[i]);
                    case 10, 11 -> refs.methods.add(utf8[a[a[i]]] + "." + utf8[a[b[i]]]);
                    default -> { }
                }
            }
            // Types that appear only in descriptors and signatures (a parameter, a field type).
            for (int i = 1; i < count; i++) {
                if (tag[i] == 1 && !strings.contains(i)) {
                    refs.addDescriptorTypes(utf8[i]);
                }
            }
            return refs;
        }

        private void addType(String name) {
            if (name.startsWith("[")) {
                addDescriptorTypes(name);
            } else {
                classes.add(name);
            }
        }

        private void addDescriptorTypes(String s) {
            int i = s.indexOf('L');
            while (i >= 0) {
                int end = s.indexOf(';', i);
                if (end < 0) {
                    return;
                }
                String name = s.substring(i + 1, end);
                int generic = name.indexOf('<');
                if (generic >= 0) {
                    name = name.substring(0, generic);
                }
                if (name.indexOf('/') > 0 && name.chars().noneMatch(c -> c == ' ' || c == '(' || c == ')')) {
                    classes.add(name);
                    i = s.indexOf('L', end + 1);
                } else {
                    i = s.indexOf('L', i + 1);
                }
            }
        }
    }

    // ---- fixtures for the scanner's own tests ----------------------------------------------

    /** Everything the core must not do; never run. */
    @SuppressWarnings("unused")
    static final class Offender {
        long now() {
            return System.currentTimeMillis();
        }

        void nap() throws InterruptedException {
            Thread.sleep(1);
        }

        int roll() {
            return new java.util.Random().nextInt();
        }

        Socket connect() {
            return new Socket();
        }

        boolean same(java.net.InetAddress a, java.net.InetAddress b) {
            return a == b;
        }
    }

    /** What the core may do: seeded randomness passed in, time through the Clock seam. */
    @SuppressWarnings("unused")
    static final class Innocent {
        long roll(java.util.random.RandomGenerator random, dev.vigil.time.Clock clock) {
            return random.nextLong() + clock.nowMillis();
        }
    }
}
