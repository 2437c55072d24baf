package dev.loggregator.wire.v2;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Go's float text, checked against what Go 1.2x prints for the same values. */
class GoFloatsTest {
    @ParameterizedTest
    @CsvSource({
            "0.5, 0.5", "100, 100", "123456, 123456", "1234567, 1.234567e+06", "1000000, 1e+06",
            "0.0001, 0.0001", "0.00001, 1e-05", "-2.5, -2.5", "0, 0", "3.0E-10, 3e-10", "1.5E300, 1.5e+300"})
    void fmtSprintOfAFloat64(double value, String go) {
        assertEquals(go, GoFloats.formatG(value));
    }

    @ParameterizedTest
    @CsvSource({
            "0.42, 0.42", "100, 100", "1234567, 1234567", "1e20, 100000000000000000000", "1e21, 1e+21",
            "0.000001, 0.000001", "1.5e-7, 1.5e-7", "1e-10, 1e-10", "-0.5, -0.5", "1.7976931348623157E308, 1.7976931348623157e+308"})
    void protojsonNumber(double value, String go) {
        assertEquals(go, GoFloats.formatJson(value));
    }

    @ParameterizedTest
    @CsvSource({"NaN, NaN, \"NaN\"", "Infinity, +Inf, \"Infinity\"", "-Infinity, -Inf, \"-Infinity\""})
    void nonFinite(double value, String sprint, String json) {
        assertEquals(sprint, GoFloats.formatG(value));
        assertEquals(json, GoFloats.formatJson(value));
    }
}
