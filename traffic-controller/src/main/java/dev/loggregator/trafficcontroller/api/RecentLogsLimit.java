package dev.loggregator.trafficcontroller.api;

import java.util.OptionalInt;

/**
 * The optional {@code ?limit=N} of recentlogs (loggregator-v1-reference §2.1): at most N log
 * envelopes, the newest. Without it the answer holds everything the Dopplers retain, as the
 * Doppler-backed Traffic Controller answered; the Gateway era's default of 1000 was Log Cache's
 * largest page, and our Dopplers already bound what they retain
 * ({@code doppler.max_retained_log_messages} per app).
 */
final class RecentLogsLimit {
    /** What no limit means: every retained envelope. */
    static final int NONE = Integer.MAX_VALUE;

    private RecentLogsLimit() {
    }

    /**
     * The limit {@code raw} asks for ({@link #NONE} when null; a number beyond int range also
     * means everything); empty when it is not a plain decimal number (a sign, a fraction, an
     * empty value), which the endpoint refuses with 400. The Gateway-era TC quietly used its
     * default for such values instead; no known client sends them (noaa and the cf CLI send no
     * limit at all), and a refusal shows a mistyped limit at once rather than answering
     * something else than was asked.
     */
    static OptionalInt parse(String raw) {
        if (raw == null) {
            return OptionalInt.of(NONE);
        }
        if (raw.isEmpty() || !raw.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseInt(raw));
        } catch (NumberFormatException beyondInt) {
            return OptionalInt.of(NONE);
        }
    }
}
