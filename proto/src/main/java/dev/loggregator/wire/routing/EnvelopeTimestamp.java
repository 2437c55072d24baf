package dev.loggregator.wire.routing;

/**
 * Reads {@code Envelope.timestamp} (field 6, Unix nanoseconds) of a marshalled v1 envelope by
 * walking its top-level fields, so envelopes can be ranked by age while they stay bytes: payloads
 * are skipped by their length, nothing is decoded or allocated. The answer is what
 * {@code Envelope.parseFrom(bytes).getTimestamp()} would give: the last occurrence wins, a field 6
 * of another wire type is an unknown field, and an absent timestamp is 0 (the proto2 default).
 * Only the top level is checked; validating the whole envelope is {@link EnvelopeRouting}'s job
 * at ingress.
 */
public final class EnvelopeTimestamp {
    private static final int TIMESTAMP_TAG = 6 << 3 | ProtoScanner.VARINT;

    private EnvelopeTimestamp() {
    }

    /** @throws dev.loggregator.wire.MalformedEnvelopeException if the top-level fields are not valid wire format */
    public static long read(byte[] envelope) {
        ProtoScanner scanner = new ProtoScanner(envelope, 0, envelope.length, 0);
        long timestamp = 0;
        while (scanner.hasMore()) {
            int tag = scanner.readTag();
            if (tag == TIMESTAMP_TAG) {
                timestamp = scanner.readVarint();
            } else {
                scanner.skip(tag);
            }
        }
        return timestamp;
    }
}
