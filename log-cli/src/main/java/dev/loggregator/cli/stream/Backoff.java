package dev.loggregator.cli.stream;

import java.time.Duration;

/** noaa's reconnect delay: 0.5 s, doubling after each failure, at most 60 s; reset by a successful connect. */
public final class Backoff {
    private final Duration first;
    private final Duration max;
    private Duration next;

    public Backoff(Duration first, Duration max) {
        this.first = first;
        this.max = max;
        this.next = first;
    }

    public static Backoff standard() {
        return new Backoff(Duration.ofMillis(500), Duration.ofSeconds(60));
    }

    /** The delay to wait now; the following call returns twice as much (capped). */
    public Duration next() {
        Duration current = next;
        Duration doubled = next.multipliedBy(2);
        next = doubled.compareTo(max) > 0 ? max : doubled;
        return current;
    }

    public void reset() {
        next = first;
    }

    /** "0.5 s", "2 s", "60 s": how notices show a delay. */
    public static String describe(Duration delay) {
        long millis = delay.toMillis();
        return millis % 1000 == 0 ? (millis / 1000) + " s" : String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
    }
}
