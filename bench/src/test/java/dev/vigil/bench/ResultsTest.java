package dev.vigil.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsTest {
    @TempDir
    Path dir;

    @Test
    void writesJsonAndCsvWithLatestCopies() throws Exception {
        Results r = new Results("scale", dir).param("duration_s", 60);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("groups", 1000);
        row.put("watcher", "w1, \"first\"");
        row.put("cpu_cores", 0.25);
        r.add(row).add(Map.of("groups", 5000, "extra", Double.NaN));
        Path json = r.write();

        assertEquals(dir.resolve("scale-" + r.stamp() + ".json"), json);
        String text = Files.readString(json);
        assertEquals(text, Files.readString(dir.resolve("scale-latest.json")));
        assertTrue(text.startsWith("{\"benchmark\":\"scale\",\"started\":"), text);
        assertTrue(text.contains("\"machine\":{\"cores\":"), text);
        assertTrue(text.contains("\"load_average\":["), text);
        assertTrue(text.contains("\"params\":{\"duration_s\":60}"), text);
        assertTrue(text.contains("{\"groups\":1000,\"watcher\":\"w1, \\\"first\\\"\",\"cpu_cores\":0.25}"), text);
        assertTrue(text.contains("\"extra\":null"), text);

        List<String> csv = Files.readAllLines(dir.resolve("scale-latest.csv"));
        assertEquals(List.of("groups,watcher,cpu_cores,extra", "1000,\"w1, \"\"first\"\"\",0.25,", "5000,,,"), csv);
    }

    @Test
    void jsonKeepsSixSignificantDigitsAndWholeNumbersPlain() {
        assertEquals("[1.5,1234,0.333333,1E+20,\"a\\nb\",true,null]",
                Json.write(List.of(1.5, 1234.0, 1.0 / 3, 1e20, "a\nb", true, Double.POSITIVE_INFINITY)));
    }
}
