package dev.vigil.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One benchmark run's results: the machine it ran on (taken when the run starts, load average
 * included, since the machine is shared), the run's parameters, and rows of named fields.
 * {@link #write()} puts {@code <name>-<timestamp>.json} and {@code .csv} in the results
 * directory, and copies them to {@code <name>-latest.*}. Pictures go beside them through
 * {@link #writeFile(String, String)}.
 */
public final class Results {
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final String name;
    private final Path dir;
    private final Instant started;
    private final Map<String, Object> machine;
    private final Map<String, Object> params = new LinkedHashMap<>();
    private final List<Map<String, Object>> rows = new ArrayList<>();

    public Results(String name, Path dir) {
        this.name = name;
        this.dir = dir;
        this.started = Instant.now();
        this.machine = machine();
    }

    /**
     * The default directory: {@code bench/results} under the repository root the entry
     * script passes as {@code -Dvigil.bench.root}, or under the working directory.
     */
    public static Path defaultDir() {
        return Path.of(System.getProperty("vigil.bench.root", ".")).resolve("bench").resolve("results");
    }

    public Results param(String key, Object value) {
        params.put(key, value);
        return this;
    }

    public Results add(Map<String, Object> row) {
        rows.add(new LinkedHashMap<>(row));
        return this;
    }

    public List<Map<String, Object>> rows() {
        return List.copyOf(rows);
    }

    public Map<String, Object> machineInfo() {
        return machine;
    }

    /** The stamp shared by every file of this run. */
    public String stamp() {
        return STAMP.format(started);
    }

    /** Writes the JSON and CSV files and their {@code -latest} copies; returns the JSON file. */
    public Path write() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("benchmark", name);
        doc.put("started", started.toString());
        doc.put("machine", machine);
        doc.put("params", params);
        doc.put("rows", rows);
        writeFile("json", Json.write(doc) + "\n");
        writeFile("csv", csv());
        return dir.resolve(name + "-" + stamp() + ".json");
    }

    /** Writes {@code <name>-<stamp>.<ext>} and its {@code <name>-latest.<ext>} copy; returns the first. */
    public Path writeFile(String ext, String content) {
        try {
            Files.createDirectories(dir);
            Path file = dir.resolve(name + "-" + stamp() + "." + ext);
            Files.writeString(file, content);
            Files.copy(file, dir.resolve(name + "-latest." + ext), StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String csv() {
        Set<String> columns = new LinkedHashSet<>();
        rows.forEach(r -> columns.addAll(r.keySet()));
        StringBuilder sb = new StringBuilder();
        sb.append(String.join(",", columns.stream().map(Results::csvCell).toList())).append('\n');
        for (Map<String, Object> r : rows) {
            List<String> cells = new ArrayList<>();
            for (String c : columns) {
                Object v = r.get(c);
                cells.add(v == null ? "" : csvCell(v instanceof Double d && d.isNaN() ? "" : String.valueOf(v)));
            }
            sb.append(String.join(",", cells)).append('\n');
        }
        return sb.toString();
    }

    private static String csvCell(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }

    /** Cores, JVM, kernel and the load average right now (1, 5, 15 minutes). */
    static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("kernel", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("load_average", loadAverage());
        return m;
    }

    /** The three load averages from /proc/loadavg, or an empty list where there is none. */
    public static List<Double> loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return List.of(Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]));
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }
}
