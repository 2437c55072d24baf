package dev.loggregator.doppler.drains.format;

import java.nio.charset.StandardCharsets;

/** The message buffer of one formatting thread and the header every message starts with. */
final class Rfc5424Header {
    private static final byte[] VERSION = ">1 ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NIL_MSGID = " - ".getBytes(StandardCharsets.US_ASCII);

    private final MessageBuffer buffer = new MessageBuffer();
    private final Rfc5424Timestamp timestamp = new Rfc5424Timestamp();

    MessageBuffer buffer() {
        return buffer;
    }

    /** Starts a message: {@code <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID - }, the header fields already checked. */
    MessageBuffer begin(int priority, long timestampNanos, String hostname, String appName, String procId) {
        start(priority, timestampNanos);
        buffer.write((byte) ' ');
        buffer.ascii(hostname);
        buffer.write((byte) ' ');
        buffer.ascii(appName);
        buffer.write((byte) ' ');
        buffer.ascii(procId);
        buffer.write(NIL_MSGID);
        return buffer;
    }

    /** {@link #begin} with the part after the timestamp ready made ({@link #fields}). */
    MessageBuffer begin(int priority, long timestampNanos, byte[] fields) {
        start(priority, timestampNanos);
        buffer.write(fields);
        return buffer;
    }

    /** The header after the timestamp, {@code " HOSTNAME APP-NAME PROCID - "}, for {@link #begin(int, long, byte[])}. */
    static byte[] fields(String hostname, String appName, String procId) {
        return (" " + hostname + " " + appName + " " + procId + " - ").getBytes(StandardCharsets.ISO_8859_1);
    }

    private void start(int priority, long timestampNanos) {
        buffer.reset();
        buffer.write((byte) '<');
        buffer.number(priority);
        buffer.write(VERSION);
        timestamp.write(buffer, timestampNanos);
    }
}
