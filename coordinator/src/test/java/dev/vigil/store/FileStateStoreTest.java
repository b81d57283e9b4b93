package dev.vigil.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.core.GroupId;
import dev.vigil.core.NodeId;
import dev.vigil.core.WatcherId;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileStateStoreTest {
    private static final GroupId WEB = new GroupId("web");
    private static final GroupId DB = new GroupId("db");
    private static final WatcherState VOTED = new WatcherState(7, new WatcherId("w2"), 7, 5, 5, new NodeId("n1"));

    @TempDir
    Path tmp;

    private Path dir() {
        return tmp.resolve("state");
    }

    @Test
    void watcherStateRoundTrips() {
        var store = FileStateStore.forWatcher(dir());

        store.save(WEB, VOTED);

        assertEquals(VOTED, store.load(WEB));
        assertEquals(VOTED, FileStateStore.forWatcher(dir()).load(WEB), "a new store (a restart) reads it back");
        assertNull(store.load(DB), "groups are separate files");
    }

    @Test
    void agentStateRoundTrips() {
        var store = FileStateStore.forAgent(dir());
        var s = new AgentState(12, 9, new NodeId("n2"), false);

        store.save(WEB, s);

        assertEquals(s, FileStateStore.forAgent(dir()).load(WEB));
    }

    @Test
    void nullVotedForAndPrimaryRoundTrip() {
        var store = FileStateStore.forWatcher(dir());
        var s = new WatcherState(3, null, 0, 0, 1, null);

        store.save(WEB, s);

        assertEquals(s, store.load(WEB));
        var agents = FileStateStore.forAgent(tmp.resolve("agent"));
        agents.save(WEB, new AgentState(0, 0, null, true));
        assertEquals(new AgentState(0, 0, null, true), agents.load(WEB));
    }

    @Test
    void fileIsReadableKeyValueLinesWithVersion() throws Exception {
        var store = FileStateStore.forWatcher(dir());

        store.save(WEB, VOTED);

        List<String> lines = Files.readAllLines(dir().resolve("web.state"), StandardCharsets.UTF_8);
        assertEquals(List.of("version=1", "kind=watcher", "term=7", "votedFor=w2", "lastVoteTerm=7", "lastVoteEpoch=5",
                "configEpoch=5", "primary=n1"), lines.subList(0, 8));
        assertTrue(lines.get(8).matches("crc32=[0-9a-f]{8}"), lines.get(8));
        assertEquals(9, lines.size());
    }

    @Test
    void overwriteKeepsTheLatest() {
        var store = FileStateStore.forWatcher(dir());
        store.save(WEB, VOTED);
        var next = new WatcherState(8, new WatcherId("w1"), 8, 5, 8, new NodeId("n2"));

        store.save(WEB, next);

        assertEquals(next, FileStateStore.forWatcher(dir()).load(WEB));
        assertFalse(Files.exists(dir().resolve("web.state.tmp")), "no temp file left behind");
    }

    @Test
    void saveLaterIsSeenAtOnceAndOnDiskAfterClose() {
        var store = FileStateStore.forAgent(dir());
        var held = new AgentState(3, 3, new NodeId("n1"), true);
        var released = new AgentState(3, 3, new NodeId("n1"), false);
        store.save(WEB, held);

        store.saveLater(WEB, released);

        assertEquals(released, store.load(WEB), "the store's own reader sees the latest value");
        assertEquals(held, FileStateStore.forAgent(dir()).load(WEB), "not yet written: a crash now keeps the old");
        store.close();
        assertEquals(released, FileStateStore.forAgent(dir()).load(WEB), "close writes what is queued");
    }

    @Test
    void aSaveSupersedesAQueuedValueAndASaveOfWhatTheFileHoldsWritesNothing() throws Exception {
        var store = FileStateStore.forAgent(dir());
        var held = new AgentState(3, 3, new NodeId("n1"), true);
        store.save(WEB, held);
        store.saveLater(WEB, new AgentState(3, 3, new NodeId("n1"), false));

        Files.delete(store.file(WEB)); // so any write would show
        store.save(WEB, held);
        store.close();

        assertFalse(Files.exists(store.file(WEB)), "neither the queued value nor the same value again was written");
    }

    @Test
    void saveLaterAfterCloseWritesAtOnce() {
        var store = FileStateStore.forAgent(dir());
        store.close();
        var s = new AgentState(1, 0, null, false);

        store.saveLater(WEB, s);

        assertEquals(s, FileStateStore.forAgent(dir()).load(WEB));
    }

    @Test
    void missingFileLoadsAsNull() {
        assertNull(FileStateStore.forWatcher(dir()).load(WEB));
    }

    @Test
    void directoryIsCreatedPrivate() throws Exception {
        Path deep = tmp.resolve("a/b/state");
        FileStateStore.forAgent(deep).save(WEB, new AgentState(1, 1, new NodeId("n1"), true));

        assertTrue(Files.isDirectory(deep));
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(deep)));
            assertEquals("rw-------",
                    PosixFilePermissions.toString(Files.getPosixFilePermissions(deep.resolve("web.state"))));
        }
    }

    @Test
    void corruptValueIsRefusedNamingFileAndLine() throws Exception {
        var store = FileStateStore.forWatcher(dir());
        store.save(WEB, VOTED);
        Path file = dir().resolve("web.state");
        // A bad value with a checksum that matches it: the parser, not the checksum, must catch it.
        writeWithChecksum(file, text(store.format(VOTED)).replace("term=7\n", "term=x7\n"));

        var e = assertThrows(FileStateStore.CorruptStateException.class, () -> store.load(WEB));

        assertEquals(file, e.file());
        assertEquals(3, e.line());
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("line 3")
                && e.getMessage().contains("x7"), e.getMessage());
    }

    /** Writes the text's lines before its crc32 line with a checksum that matches them. */
    private static void writeWithChecksum(Path file, String text) throws Exception {
        String body = text.substring(0, text.indexOf("crc32="));
        var crc = new CRC32();
        crc.update(body.getBytes(StandardCharsets.UTF_8));
        Files.writeString(file, body + String.format("crc32=%08x%n", crc.getValue()));
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void agentFileWrittenBeforeMayHoldIpExistedLoadsAsMayHold() throws Exception {
        var store = FileStateStore.forAgent(dir());
        var released = new AgentState(4, 4, new NodeId("n1"), false);
        Path file = dir().resolve("web.state");
        writeWithChecksum(file, text(store.format(released)).replace("mayHoldIp=false\n", ""));

        assertEquals(new AgentState(4, 4, new NodeId("n1"), true), store.load(WEB),
                "an older file says nothing about the IP, so it may be here");
    }

    @Test
    void badMayHoldIpIsRefusedNamingTheLine() throws Exception {
        var store = FileStateStore.forAgent(dir());
        Path file = dir().resolve("web.state");
        writeWithChecksum(file, text(store.format(new AgentState(4, 4, null, false)))
                .replace("mayHoldIp=false\n", "mayHoldIp=no\n"));

        var e = assertThrows(FileStateStore.CorruptStateException.class, () -> store.load(WEB));

        assertEquals(6, e.line());
        assertTrue(e.getMessage().contains("mayHoldIp must be true or false") && e.getMessage().contains("\"no\""),
                e.getMessage());
    }

    @Test
    void garbageLineIsRefusedNamingTheLine() throws Exception {
        var store = FileStateStore.forWatcher(dir());
        Files.writeString(dir().resolve("web.state"), "version=1\nkind=watcher\nthis is not a pair\n");

        var e = assertThrows(FileStateStore.CorruptStateException.class, () -> store.load(WEB));

        assertEquals(3, e.line());
        assertTrue(e.getMessage().contains("web.state") && e.getMessage().contains("this is not a pair"),
                e.getMessage());
    }

    @Test
    void everyTruncationIsRefused() throws Exception {
        var store = FileStateStore.forWatcher(dir());
        // Votes with multi-digit terms: cutting "term=17" to "term=1" must not pass for a valid file.
        var s = new WatcherState(17, new WatcherId("w2"), 17, 15, 15, new NodeId("n1"));
        byte[] full = store.format(s);
        Path file = dir().resolve("web.state");

        for (int len = 0; len < full.length; len++) {
            Files.write(file, Arrays.copyOf(full, len));
            int cut = len;
            var e = assertThrows(FileStateStore.CorruptStateException.class, () -> store.load(WEB),
                    "truncated to " + cut + " bytes");
            assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        }
        Files.write(file, full);
        assertEquals(s, store.load(WEB));
    }

    @Test
    void flippedDigitFailsTheChecksum() throws Exception {
        var store = FileStateStore.forWatcher(dir());
        store.save(WEB, VOTED);
        Path file = dir().resolve("web.state");
        Files.writeString(file, Files.readString(file).replace("term=7\n", "term=6\n"));

        var e = assertThrows(FileStateStore.CorruptStateException.class, () -> store.load(WEB));

        assertEquals(9, e.line(), "the crc32 line");
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    }

    @Test
    void agentFileIsNotReadAsWatcherState() {
        FileStateStore.forAgent(dir()).save(WEB, new AgentState(1, 1, new NodeId("n1"), true));

        var e = assertThrows(FileStateStore.CorruptStateException.class,
                () -> FileStateStore.forWatcher(dir()).load(WEB));

        assertEquals(2, e.line());
        assertTrue(e.getMessage().contains("agent"), e.getMessage());
    }

    @Test
    void leftoverTempFileIsIgnoredThenOverwritten() throws Exception {
        var store = FileStateStore.forWatcher(dir());
        store.save(WEB, VOTED);
        Path tmpFile = dir().resolve("web.state.tmp");
        Files.writeString(tmpFile, "version=1\nkind=watch");

        assertEquals(VOTED, FileStateStore.forWatcher(dir()).load(WEB), "the temp file is ignored");

        var next = new WatcherState(9, null, 8, 5, 9, new NodeId("n2"));
        store.save(WEB, next);
        assertEquals(next, store.load(WEB));
        assertFalse(Files.exists(tmpFile));
    }

    @Test
    void crashBetweenWritingTempAndRenameKeepsTheOldValue() throws Exception {
        var store = FileStateStore.forWatcher(dir());
        store.save(WEB, VOTED);
        byte[] before = Files.readAllBytes(dir().resolve("web.state"));
        // The crash: the next value is complete and fsynced in the temp file, never renamed.
        var next = new WatcherState(8, new WatcherId("w1"), 8, 5, 5, new NodeId("n1"));
        Files.write(dir().resolve("web.state.tmp"), store.format(next));

        var restarted = FileStateStore.forWatcher(dir());

        assertEquals(VOTED, restarted.load(WEB), "the vote persisted before the crash is the one that counts");
        assertArrayEquals(before, Files.readAllBytes(dir().resolve("web.state")));
        // And a crash half-way through writing the very first temp file leaves no state at all.
        Files.write(dir().resolve("db.state.tmp"), Arrays.copyOf(store.format(next), 40));
        assertNull(restarted.load(DB));
    }

    @Test
    void concurrentSavesLeaveOneCompleteValue() throws Exception {
        var store = FileStateStore.forWatcher(dir());
        List<Thread> threads = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 8; i++) {
            long term = i + 1;
            Thread t = new Thread(() -> {
                try {
                    go.await();
                    for (int k = 0; k < 20; k++) {
                        store.save(WEB, new WatcherState(term, null, 0, 0, term, new NodeId("n1")));
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            });
            t.start();
            threads.add(t);
        }
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }

        assertEquals(List.of(), errors);
        WatcherState s = store.load(WEB);
        assertEquals(s.term(), s.configEpoch());
        assertTrue(s.term() >= 1 && s.term() <= 8);
    }
}
