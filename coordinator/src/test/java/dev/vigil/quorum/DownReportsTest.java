package dev.vigil.quorum;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.core.WatcherId;
import java.util.List;
import org.junit.jupiter.api.Test;

class DownReportsTest {
    private static final long TTL = 3_000;
    private static final long EPOCH = 4;
    private static final WatcherId W1 = new WatcherId("w1");
    private static final WatcherId W2 = new WatcherId("w2");
    private static final WatcherId W3 = new WatcherId("w3");

    private final DownReports reports = new DownReports();

    @Test
    void freshSdownReportCounts() {
        reports.record(W2, true, EPOCH, 1_000);

        assertEquals(List.of(W2), reports.down(1_500, TTL, EPOCH));
    }

    @Test
    void reportExpiresAfterTtl() {
        reports.record(W2, true, EPOCH, 1_000);

        assertEquals(List.of(W2), reports.down(1_000 + TTL, TTL, EPOCH));
        assertEquals(List.of(), reports.down(1_000 + TTL + 1, TTL, EPOCH));
    }

    @Test
    void reportAboutAnotherConfigEpochDoesNotCount() {
        reports.record(W2, true, EPOCH - 1, 1_000);
        reports.record(W3, true, EPOCH + 1, 1_000);

        assertEquals(List.of(), reports.down(1_000, TTL, EPOCH));
    }

    @Test
    void laterNotDownReportReplacesAnEarlierDownOne() {
        reports.record(W2, true, EPOCH, 1_000);
        reports.record(W2, false, EPOCH, 1_200);

        assertEquals(List.of(), reports.down(1_300, TTL, EPOCH));
    }

    @Test
    void notDownReportDoesNotCount() {
        reports.record(W2, false, EPOCH, 1_000);

        assertEquals(List.of(), reports.down(1_000, TTL, EPOCH));
    }

    @Test
    void refreshedReportLivesAnotherTtl() {
        reports.record(W2, true, EPOCH, 1_000);
        reports.record(W2, true, EPOCH, 3_000);

        assertEquals(List.of(W2), reports.down(1_000 + TTL + 500, TTL, EPOCH));
    }

    @Test
    void resultIsSortedByWatcherId() {
        reports.record(W3, true, EPOCH, 1_000);
        reports.record(W1, true, EPOCH, 1_000);
        reports.record(W2, true, EPOCH, 1_000);

        assertEquals(List.of(W1, W2, W3), reports.down(1_000, TTL, EPOCH));
    }
}
