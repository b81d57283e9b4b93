package dev.vigil.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.cli.VigilCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code vigil check-config} through picocli's execute(): exit codes and what the operator reads. */
class ClusterFileCheckConfigTest {
    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        var cli = new CommandLine(new VigilCli());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void aValidFilePrintsAnOkLineAndEachGroupsFingerprint() throws Exception {
        Path example = ClusterFileLoaderTest.EXAMPLE;
        Run r = run("check-config", example.toString());
        assertEquals(0, r.exit(), r.err());
        var config = ClusterFileLoader.load(example).protocol();
        var expected = new StringBuilder("OK: " + example + " (3 watchers, 2 groups)\n");
        config.groups().forEach(g -> expected.append("group ").append(g.id()).append(": config fingerprint ")
                .append(config.fingerprint(g.id())).append('\n'));
        assertEquals(expected.toString(), r.out());
        assertEquals("", r.err());
    }

    @Test
    void aBrokenFilePrintsEveryErrorAndExitsOne() throws Exception {
        Path file = Path.of(getClass().getResource("/clusters/broken-many.yaml").toURI());
        Run r = run("check-config", file.toString());
        assertEquals(1, r.exit());
        assertEquals("", r.out());
        var lines = r.err().lines().toList();
        assertEquals(5, lines.size(), r.err());
        assertTrue(lines.stream().allMatch(l -> l.matches("\\Q" + file + "\\E:\\d+: \\S+: .+")), r.err());
        assertTrue(lines.contains(file + ":10: groups[0].quorom: unknown key 'quorom' in groups[0]; "
                + "did you mean 'quorum'?"), r.err());
    }

    @Test
    void aMissingFileIsAClearErrorNotAStackTrace(@TempDir Path dir) {
        Path missing = dir.resolve("cluster.yaml");
        Run r = run("check-config", missing.toString());
        assertEquals(1, r.exit());
        assertEquals(missing + ": no such file\n", r.err());
    }

    @Test
    void malformedYamlNamesTheLine(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("c.yaml"), "state-dir: /x\nwatchers:\n  - id: w1\n   address: a:1\n");
        Run r = run("check-config", file.toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith(file + ":4: malformed YAML: "), r.err());
    }

    @Test
    void usageErrorsExitTwo() {
        assertEquals(2, run("check-config").exit());
        assertEquals(2, run("check-config", "a.yaml", "b.yaml").exit());
    }
}
