package dev.vigil.core;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class IdsTest {
    /** Each identity record, with the word its messages use for it. */
    static Stream<Arguments> kinds() {
        return Stream.of(
                Arguments.of("watcher id", (Function<String, Object>) WatcherId::new),
                Arguments.of("node id", (Function<String, Object>) NodeId::new),
                Arguments.of("group id", (Function<String, Object>) GroupId::new));
    }

    static Stream<Arguments> badValues() {
        String[] bad = {"", "x".repeat(64), "has space", "a/b", "a;b", "a\nb", "a:b", "naïve", "$(reboot)"};
        return kinds().flatMap(k -> Stream.of(bad).map(v -> Arguments.of(k.get()[0], k.get()[1], v)));
    }

    static Stream<Arguments> goodValues() {
        String[] good = {"n1", "w", "web-1", "db_primary", "eu.west.1", "A-Z_09", "x".repeat(63)};
        return kinds().flatMap(k -> Stream.of(good).map(v -> Arguments.of(k.get()[0], k.get()[1], v)));
    }

    @ParameterizedTest(name = "{0} \"{2}\" is rejected")
    @MethodSource("badValues")
    void rejectsEmptyTooLongAndUnsafeCharacters(String kind, Function<String, Object> make, String value) {
        var e = assertThrows(IllegalArgumentException.class, () -> make.apply(value));

        assertTrue(e.getMessage().startsWith(kind), e.getMessage());
    }

    @ParameterizedTest(name = "{0} null is rejected")
    @MethodSource("kinds")
    void rejectsNull(String kind, Function<String, Object> make) {
        assertThrows(IllegalArgumentException.class, () -> make.apply(null));
    }

    @ParameterizedTest(name = "{0} \"{2}\" is accepted")
    @MethodSource("goodValues")
    void acceptsLettersDigitsDashUnderscoreDotUpTo63(String kind, Function<String, Object> make, String value) {
        Object id = assertDoesNotThrow(() -> make.apply(value));

        assertEquals(value, id.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\u0000b", "a\tb", "a\rb", "a'b", "a\"b", "a`b", "a|b"})
    void rejectsControlAndShellCharacters(String value) {
        assertThrows(IllegalArgumentException.class, () -> new NodeId(value));
    }
}
