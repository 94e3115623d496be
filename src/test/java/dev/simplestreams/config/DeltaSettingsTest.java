package dev.simplestreams.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** DELTAS and its settings: the defaults are the public image servers', and every mistake is named with its fix. */
class DeltaSettingsTest {

    static Stream<Arguments> accepted() {
        return Stream.of(
                Arguments.of(Map.of(), new DeltaSettings(true, 1, 50, Duration.ofMinutes(30))),
                Arguments.of(Map.of("DELTAS", "off"), new DeltaSettings(false, 1, 50, Duration.ofMinutes(30))),
                Arguments.of(Map.of("DELTAS", "on", "DELTA_FROM_VERSIONS", "3", "DELTA_MAX_PERCENT", "80",
                        "DELTA_TIMEOUT_MINUTES", "5"), new DeltaSettings(true, 3, 80, Duration.ofMinutes(5))));
    }

    @ParameterizedTest
    @MethodSource("accepted")
    void readsTheSettings(Map<String, String> env, DeltaSettings expected) {
        assertEquals(expected, DeltaSettings.from(env::get));
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of(Map.of("DELTAS", "maybe"), "DELTAS='maybe' is neither on nor off"),
                Arguments.of(Map.of("DELTA_FROM_VERSIONS", "0"),
                        "DELTA_FROM_VERSIONS must be at least 1 (DELTAS=off turns deltas off)"),
                Arguments.of(Map.of("DELTA_FROM_VERSIONS", "-1"),
                        "DELTA_FROM_VERSIONS='-1' is not a non-negative whole number"),
                Arguments.of(Map.of("DELTA_MAX_PERCENT", "101"), "DELTA_MAX_PERCENT must be between 1 and 100"),
                Arguments.of(Map.of("DELTA_MAX_PERCENT", "0"), "DELTA_MAX_PERCENT must be between 1 and 100"),
                Arguments.of(Map.of("DELTA_TIMEOUT_MINUTES", "0"), "DELTA_TIMEOUT_MINUTES must be at least 1"));
    }

    @ParameterizedTest
    @MethodSource("refused")
    void mistakesAreNamedWithTheirFix(Map<String, String> env, String message) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, () -> DeltaSettings.from(env::get))
                .getMessage());
    }
}
