package dev.vigil.config;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TimingsTest {
    // probe-interval, probe-timeout, reprobe-interval, down-after, fence-after, failover-timeout
    private static final long[] VALID = {1_000, 500, 250, 5_000, 3_750, 10_000};

    private static Timings timings(long[] v) {
        return new Timings(v[0], v[1], v[2], v[3], v[4], v[5]);
    }

    /** The valid baseline with one field changed. */
    private static long[] with(int field, long value) {
        long[] v = VALID.clone();
        v[field] = value;
        return v;
    }

    @Test
    void defaultsAreValidAndDeriveFenceAfterFromDownAfter() {
        Timings t = Timings.defaults();

        assertEquals(1_000, t.probeIntervalMs());
        assertEquals(5_000, t.downAfterMs());
        assertEquals(3_750, t.fenceAfterMs());
        assertTrue(t.probeTimeoutMs() < t.probeIntervalMs());
        assertTrue(t.reprobeIntervalMs() <= t.probeIntervalMs());
        assertDoesNotThrow(() -> timings(new long[] {t.probeIntervalMs(), t.probeTimeoutMs(),
                t.reprobeIntervalMs(), t.downAfterMs(), t.fenceAfterMs(), t.failoverTimeoutMs()}));
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of("probe-timeout equal to probe-interval", with(1, 1_000), "probe-timeout"),
                Arguments.of("probe-timeout above probe-interval", with(1, 1_500), "probe-timeout"),
                Arguments.of("reprobe-interval above probe-interval", with(2, 1_001), "reprobe-interval"),
                Arguments.of("fence-after below two probe intervals plus probe-timeout", with(4, 2_499), "fence-after"),
                Arguments.of("fence-after within one probe interval of down-after", with(4, 4_001), "fence-after"),
                Arguments.of("fence-after equal to down-after", with(4, 5_000), "fence-after"),
                Arguments.of("failover-timeout below two probe intervals", with(5, 1_999), "failover-timeout"),
                Arguments.of("probe-interval zero", with(0, 0), "probe-interval"),
                Arguments.of("probe-timeout zero", with(1, 0), "probe-timeout"),
                Arguments.of("reprobe-interval zero", with(2, 0), "reprobe-interval"),
                Arguments.of("down-after zero", with(3, 0), "down-after"),
                Arguments.of("fence-after zero", with(4, 0), "fence-after"),
                Arguments.of("failover-timeout zero", with(5, 0), "failover-timeout"),
                Arguments.of("probe-interval negative", with(0, -1_000), "probe-interval"),
                Arguments.of("probe-timeout negative", with(1, -1), "probe-timeout"),
                Arguments.of("reprobe-interval negative", with(2, -1), "reprobe-interval"),
                Arguments.of("down-after negative", with(3, -5_000), "down-after"),
                Arguments.of("fence-after negative", with(4, -1), "fence-after"),
                Arguments.of("failover-timeout negative", with(5, -1), "failover-timeout"));
    }

    @ParameterizedTest(name = "{0} is rejected naming {2}")
    @MethodSource("invalid")
    void rejectsBrokenRelationNamingTheKey(String what, long[] values, String key) {
        var e = assertThrows(IllegalArgumentException.class, () -> timings(values));

        assertTrue(e.getMessage().startsWith(key), () -> "message should start with " + key + ": " + e.getMessage());
    }

    static Stream<Arguments> boundaries() {
        return Stream.of(
                Arguments.of("probe-timeout one below probe-interval", with(1, 999)),
                Arguments.of("reprobe-interval equal to probe-interval", with(2, 1_000)),
                Arguments.of("fence-after exactly two probe intervals plus probe-timeout", with(4, 2_500)),
                Arguments.of("fence-after exactly one probe interval below down-after", with(4, 4_000)),
                Arguments.of("failover-timeout exactly two probe intervals", with(5, 2_000)));
    }

    @ParameterizedTest(name = "{0} is accepted")
    @MethodSource("boundaries")
    void acceptsValuesOnTheBoundary(String what, long[] values) {
        assertDoesNotThrow(() -> timings(values));
    }

    @Test
    void relationMessagesGiveBothValues() {
        var e = assertThrows(IllegalArgumentException.class, () -> timings(with(4, 4_500)));

        assertTrue(e.getMessage().contains("4500") && e.getMessage().contains("5000"), e.getMessage());
    }

    @Test
    void ofDerivesValidTimingsFromIntervalAndDetectionWindow() {
        Timings t = Timings.of(200, 2_000, 5_000);

        assertEquals(100, t.probeTimeoutMs());
        assertEquals(50, t.reprobeIntervalMs());
        assertEquals(1_500, t.fenceAfterMs());
        assertEquals(600, t.reportTtlMs());
    }
}
