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
        buffer.reset();
        buffer.write((byte) '<');
        buffer.number(priority);
        buffer.write(VERSION);
        timestamp.write(buffer, timestampNanos);
        buffer.write((byte) ' ');
        buffer.ascii(hostname);
        buffer.write((byte) ' ');
        buffer.ascii(appName);
        buffer.write((byte) ' ');
        buffer.ascii(procId);
        buffer.write(NIL_MSGID);
        return buffer;
    }
}
