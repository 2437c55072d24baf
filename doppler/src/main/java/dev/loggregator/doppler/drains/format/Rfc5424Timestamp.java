package dev.loggregator.doppler.drains.format;

import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * The agent's TIMESTAMP: the envelope time in UTC in Go's layout
 * {@code 2006-01-02T15:04:05.999999-07:00}, i.e. microseconds (truncated, not rounded) with
 * trailing zeros and then the point dropped, and the offset written {@code +00:00}. The date and
 * time of day of the last second written are kept: a drain's envelopes mostly share their second.
 */
final class Rfc5424Timestamp {
    private static final byte[] OFFSET = "+00:00".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final MessageBuffer seconds = new MessageBuffer();
    private long lastSecond;
    private boolean cached;

    void write(MessageBuffer out, long epochNanos) {
        long second = Math.floorDiv(epochNanos, 1_000_000_000L);
        int nanos = (int) Math.floorMod(epochNanos, 1_000_000_000L);
        if (!cached || second != lastSecond) {
            seconds.reset();
            writeSecond(seconds, second);
            lastSecond = second;
            cached = true;
        }
        out.write(seconds.array(), 0, seconds.length());
        int micros = nanos / 1000;
        if (micros != 0) {
            int digits = 6;
            while (micros % 10 == 0) {
                micros /= 10;
                digits--;
            }
            out.write((byte) '.');
            out.digits(micros, digits);
        }
        out.write(OFFSET);
    }

    private static void writeSecond(MessageBuffer out, long second) {
        LocalDateTime time = LocalDateTime.ofEpochSecond(second, 0, ZoneOffset.UTC);
        int year = time.getYear();
        if (year < 0) {
            out.write((byte) '-');
            year = -year;
        }
        out.digits(year, 4);
        out.write((byte) '-');
        out.digits(time.getMonthValue(), 2);
        out.write((byte) '-');
        out.digits(time.getDayOfMonth(), 2);
        out.write((byte) 'T');
        out.digits(time.getHour(), 2);
        out.write((byte) ':');
        out.digits(time.getMinute(), 2);
        out.write((byte) ':');
        out.digits(time.getSecond(), 2);
    }
}
