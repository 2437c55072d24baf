package dev.loggregator.trafficcontroller.logcache.promql;

import dev.loggregator.trafficcontroller.promql.Durations;
import dev.loggregator.trafficcontroller.promql.GoText;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * The times and steps of Log Cache's PromQL API (log-cache-release {@code promql/parsing.go}): a time is
 * Unix seconds with decimals or RFC 3339; a step is seconds with decimals or a Prometheus duration.
 * Prometheus's engine works in milliseconds, rounding down.
 */
final class QueryTimes {
    /** The decimal forms Go's strconv.ParseFloat accepts (less hex floats and underscores). */
    private static final Pattern GO_FLOAT = Pattern.compile(
            "[+-]?(?:(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?|(?i:inf|infinity|nan))");

    private QueryTimes() {
    }

    /** Milliseconds; throws with Log Cache's message when {@code text} is neither form. */
    static long parseTime(String text) {
        if (GO_FLOAT.matcher(text).matches()) {
            double seconds = Double.parseDouble(text.replaceAll("(?i)inf(inity)?", "Infinity").replaceAll("(?i)nan", "NaN"));
            return Math.floorDiv(goInt64(seconds * 1e9), 1_000_000L);
        }
        try {
            OffsetDateTime time = OffsetDateTime.parse(text);
            return Math.floorDiv(time.toEpochSecond() * 1_000_000_000L + time.getNano(), 1_000_000L);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("cannot parse " + GoText.quote(text) + " to a valid Unix or RFC3339 timestamp");
        }
    }

    /** The step in milliseconds. */
    static long parseStep(String text) {
        if (GO_FLOAT.matcher(text).matches()) {
            double nanos = Double.parseDouble(text.replaceAll("(?i)inf(inity)?", "Infinity").replaceAll("(?i)nan", "NaN")) * 1e9;
            if (nanos > Long.MAX_VALUE || nanos < Long.MIN_VALUE) {
                throw new IllegalArgumentException("cannot parse " + GoText.quote(text) + " to a valid step. It overflows int64");
            }
            return goInt64(nanos) / 1_000_000L;
        }
        Long millis = Durations.millis(text);
        if (millis == null) {
            throw new IllegalArgumentException("cannot parse " + GoText.quote(text) + " to a valid step");
        }
        return millis;
    }

    /** Now, truncated to the second: the time of an instant query that gives none. */
    static long now() {
        return Math.floorDiv(System.currentTimeMillis(), 1000L) * 1000;
    }

    /** Seconds with three decimals, as Log Cache writes every time ({@code %.3f}). */
    static String format(long millis) {
        return BigDecimal.valueOf(millis, 3).toPlainString();
    }

    /** Go's float64 to int64 conversion on amd64: truncation, and the minimum for what does not fit. */
    private static long goInt64(double value) {
        if (Double.isNaN(value) || value >= 0x1p63 || value < -0x1p63) {
            return Long.MIN_VALUE;
        }
        return (long) value;
    }
}
