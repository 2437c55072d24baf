package dev.loggregator.trafficcontroller.promql;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Prometheus durations ({@code model.ParseDuration}): units y, w, d, h, m, s, ms, largest first, e.g. {@code 1h30m}. */
public final class Durations {
    private static final Pattern DURATION = Pattern.compile(
            "(?:(\\d+)y)?(?:(\\d+)w)?(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?(?:(\\d+)ms)?");
    private static final long[] UNIT_MILLIS = {365L * 86_400_000, 7L * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000, 1};

    private Durations() {
    }

    /** Milliseconds; null when {@code text} is not a duration. */
    public static Long millis(String text) {
        Matcher matcher = DURATION.matcher(text);
        if (text.isEmpty() || !matcher.matches()) {
            return null;
        }
        long total = 0;
        try {
            for (int unit = 0; unit < UNIT_MILLIS.length; unit++) {
                String count = matcher.group(unit + 1);
                if (count != null) {
                    total = Math.addExact(total, Math.multiplyExact(Long.parseLong(count), UNIT_MILLIS[unit]));
                }
            }
        } catch (ArithmeticException | NumberFormatException e) {
            return null;
        }
        return total;
    }
}
