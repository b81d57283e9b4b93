package dev.vigil.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.vigil.core.GroupId;
import org.junit.jupiter.api.Test;

/** The simulator's disk: what a crash keeps of {@link StateStore#saveLater} must match the file store. */
class MemoryStateStoreTest {
    private static final GroupId WEB = new GroupId("web");
    private long now = 1_000;
    private final MemoryStateStore<String> store = new MemoryStateStore<>(() -> now);

    @Test
    void aCrashBeforeTheValueIsDueLosesIt() {
        store.save(WEB, "held");
        store.saveLater(WEB, "released");
        assertEquals("released", store.load(WEB));
        now += StateStore.LATER_MS - 1;

        store.crash();

        assertEquals("held", store.load(WEB));
    }

    @Test
    void aCrashAfterTheValueIsDueKeepsItAndALaterValueWaitsForTheFirstDueTime() {
        store.saveLater(WEB, "a");
        now += StateStore.LATER_MS - 1;
        store.saveLater(WEB, "b");
        assertNull(store.durable(WEB), "not due yet");
        now += 1;

        assertEquals("b", store.durable(WEB));
        store.crash();
        assertEquals("b", store.load(WEB));
    }

    @Test
    void aSaveSupersedesAQueuedValue() {
        store.saveLater(WEB, "released");
        store.save(WEB, "held");
        now += StateStore.LATER_MS;

        store.crash();

        assertEquals("held", store.load(WEB));
    }
}
