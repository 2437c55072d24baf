package dev.loggregator.e2e.bench;

import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Log;

/**
 * Counts the benchmark's envelopes in marshalled {@code loggregator.v2.EnvelopeBatch} messages without
 * parsing each one: the protobuf counterpart of {@link SseEnvelopeScanner}. The first benchmark
 * envelope is parsed and checked; after that an envelope whose timestamp (field 1) and source id
 * (field 2) come first and whose remaining bytes equal the checked one's is counted (the Traffic
 * Controller relays what the generator sent, so only those two fields differ). Anything else is parsed
 * and classified, and every 4,096th match is parsed again as a spot check.
 */
final class EnvelopeBatchScanner {
    private static final int SPOT_CHECK_EVERY = 4096;

    private final DeliveryCounter counter;
    private final String appPrefix;
    private final byte[] prefixBytes;
    private final byte[] payload;
    /** The checked envelope's bytes after its source id. */
    private byte[] verifiedTail;
    private long matched;
    private long spotChecked;
    private long others;
    private long invalid;
    private String firstInvalid;
    /** Where the last {@link #varint} ended. */
    private int next;

    EnvelopeBatchScanner(DeliveryCounter counter, String appPrefix, byte[] payload) {
        this.counter = counter;
        this.appPrefix = appPrefix;
        this.prefixBytes = appPrefix.getBytes(StandardCharsets.UTF_8);
        this.payload = payload.clone();
    }

    /** One marshalled EnvelopeBatch; {@code arrived} is its {@link BenchClock} time. */
    void batch(byte[] bytes, long arrived) {
        int at = 0;
        while (at < bytes.length) {
            long key = varint(bytes, at);
            at = next;
            int field = (int) (key >>> 3);
            int wireType = (int) (key & 7);
            if (wireType != 2) {
                throw new IllegalStateException("EnvelopeBatch field " + field + " has wire type " + wireType);
            }
            int length = (int) varint(bytes, at);
            at = next;
            if (field == 1) {
                envelope(bytes, at, length, arrived);
            }
            at += length;
        }
    }

    private long varint(byte[] bytes, int at) {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = bytes[at++];
            value |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                next = at;
                return value;
            }
        }
        throw new IllegalStateException("malformed varint");
    }

    private void envelope(byte[] bytes, int offset, int length, long arrived) {
        int end = offset + length;
        if (verifiedTail != null && bytes[offset] == 0x08) {
            long timestamp = varint(bytes, offset + 1);
            int at = next;
            if (at < end && bytes[at] == 0x12) {
                int idLength = (int) varint(bytes, at + 1);
                int idStart = next;
                int tail = idStart + idLength;
                if (idLength >= prefixBytes.length
                        && Arrays.equals(bytes, idStart, idStart + prefixBytes.length, prefixBytes, 0, prefixBytes.length)
                        && end - tail == verifiedTail.length
                        && Arrays.equals(bytes, tail, end, verifiedTail, 0, verifiedTail.length)) {
                    if (++matched % SPOT_CHECK_EVERY != 0) {
                        counter.delivered(timestamp, arrived);
                        return;
                    }
                    spotChecked++;
                }
            }
        }
        parsed(bytes, offset, length, arrived);
    }

    private void parsed(byte[] bytes, int offset, int length, long arrived) {
        Envelope envelope;
        try {
            envelope = Envelope.parseFrom(java.nio.ByteBuffer.wrap(bytes, offset, length));
        } catch (InvalidProtocolBufferException e) {
            invalid("does not parse: " + e.getMessage());
            return;
        }
        if (envelope.hasLog() && "LGR".equals(envelope.getTagsOrDefault("source_type", ""))
                || envelope.hasCounter() && envelope.getCounter().getName().equals("TruncatingBuffer.DroppedMessages")) {
            counter.dropNotice();
        } else if (envelope.getSourceId().startsWith(appPrefix)) {
            String problem = problem(envelope);
            if (problem != null) {
                invalid(problem + ": " + envelope);
                return;
            }
            counter.delivered(envelope.getTimestamp(), arrived);
            if (verifiedTail == null) {
                learnTail(bytes, offset, length, envelope);
            }
        } else {
            others++;
        }
    }

    private String problem(Envelope envelope) {
        if (!envelope.hasLog() || envelope.getLog().getType() != Log.Type.OUT
                || !Arrays.equals(envelope.getLog().getPayload().toByteArray(), payload)) {
            return "not the log that was sent";
        }
        if (!envelope.getInstanceId().equals("0") || envelope.getDeprecatedTagsCount() != 0 || envelope.getTagsCount() != 6
                || !envelope.getTagsOrDefault("source_type", "").equals("APP/PROC/WEB")) {
            return "instance id or tags differ from what was sent";
        }
        if (!envelope.getUnknownFields().asMap().isEmpty()) {
            return "unknown fields";
        }
        return null;
    }

    /** Keeps the bytes after the source id when the envelope starts with its timestamp and source id. */
    private void learnTail(byte[] bytes, int offset, int length, Envelope envelope) {
        if (bytes[offset] != 0x08) {
            return;
        }
        varint(bytes, offset + 1);
        int at = next;
        if (bytes[at] != 0x12) {
            return;
        }
        int idLength = (int) varint(bytes, at + 1);
        int tail = next + idLength;
        if (idLength == envelope.getSourceId().getBytes(StandardCharsets.UTF_8).length) {
            verifiedTail = Arrays.copyOfRange(bytes, tail, offset + length);
        }
    }

    private void invalid(String what) {
        invalid++;
        if (firstInvalid == null) {
            firstInvalid = what.length() > 600 ? what.substring(0, 600) : what;
        }
    }

    String verification() {
        return String.format("%,d envelopes matched byte for byte after the source id against one parsed and checked"
                + " (%,d spot-checked by parsing); %,d other envelopes; %,d invalid%s", matched, spotChecked, others, invalid,
                firstInvalid == null ? "" : ", first: " + firstInvalid);
    }

    long invalid() {
        return invalid;
    }
}
