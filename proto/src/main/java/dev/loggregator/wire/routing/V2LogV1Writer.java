package dev.loggregator.wire.routing;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope.EventType;
import org.cloudfoundry.dropsonde.events.LogFactory.LogMessage;
import org.cloudfoundry.dropsonde.events.LogFactory.LogMessage.MessageType;

/**
 * Writes the v1 LogMessage envelope of a {@link V2LogScan scanned} v2 log by copying the byte ranges
 * the scan found: the same fields, values and order as {@code V2LogToV1Bytes} writes from a parse
 * (tags in the order received, which is protobuf-java's map order for keys that occur once).
 */
final class V2LogV1Writer {
    /** The tags that become v1 fields, in the order of {@link #FIELD_OF}; "source_id" is handled apart. */
    private static final byte[][] FIELD_TAGS = ascii("origin", "deployment", "job", "index", "ip", "source_type");
    private static final int[] FIELD_OF = {Envelope.ORIGIN_FIELD_NUMBER, Envelope.DEPLOYMENT_FIELD_NUMBER,
            Envelope.JOB_FIELD_NUMBER, Envelope.INDEX_FIELD_NUMBER, Envelope.IP_FIELD_NUMBER,
            LogMessage.SOURCE_TYPE_FIELD_NUMBER};
    private static final byte[] SOURCE_ID = "source_id".getBytes(StandardCharsets.US_ASCII);

    private V2LogV1Writer() {
    }

    static byte[] write(V2LogScan scan) {
        byte[] in = scan.bytes;
        int[] tags = scan.tags;
        // where each field-making tag is (-1: absent, written as "")
        int[] fieldTag = new int[FIELD_TAGS.length];
        Arrays.fill(fieldTag, -1);
        int remaining = 0; // bit i: tag i stays a v1 tag
        boolean hasSourceId = scan.sourceIdLength > 0;
        for (int i = 0; i < scan.tagCount; i++) {
            int keyOffset = tags[i * 4];
            int keyLength = tags[i * 4 + 1];
            int field = fieldIndex(scan, keyOffset, keyLength);
            if (field >= 0) {
                fieldTag[field] = i;
            } else if (!hasSourceId || !scan.equals(keyOffset, keyLength, SOURCE_ID)) {
                remaining |= 1 << i;
            }
        }
        int messageType = scan.logType == 0 ? MessageType.OUT.getNumber() : MessageType.ERR.getNumber();
        long timestamp = scan.timestamp;

        int logSize = lengthDelimitedSize(LogMessage.MESSAGE_FIELD_NUMBER, scan.payloadLength)
                + CodedOutputStream.computeEnumSize(LogMessage.MESSAGE_TYPE_FIELD_NUMBER, messageType)
                + CodedOutputStream.computeInt64Size(LogMessage.TIMESTAMP_FIELD_NUMBER, timestamp)
                + lengthDelimitedSize(LogMessage.APP_ID_FIELD_NUMBER, scan.sourceIdLength)
                + lengthDelimitedSize(LogMessage.SOURCE_TYPE_FIELD_NUMBER, valueLength(tags, fieldTag[5]))
                + lengthDelimitedSize(LogMessage.SOURCE_INSTANCE_FIELD_NUMBER, scan.instanceIdLength);
        int size = lengthDelimitedSize(Envelope.ORIGIN_FIELD_NUMBER, valueLength(tags, fieldTag[0]))
                + CodedOutputStream.computeEnumSize(Envelope.EVENTTYPE_FIELD_NUMBER, EventType.LogMessage.getNumber())
                + CodedOutputStream.computeInt64Size(Envelope.TIMESTAMP_FIELD_NUMBER, timestamp)
                + lengthDelimitedSize(Envelope.LOGMESSAGE_FIELD_NUMBER, logSize);
        for (int f = 1; f <= 4; f++) {
            size += lengthDelimitedSize(FIELD_OF[f], valueLength(tags, fieldTag[f]));
        }
        for (int i = 0; i < scan.tagCount; i++) {
            if ((remaining & 1 << i) != 0) {
                size += lengthDelimitedSize(Envelope.TAGS_FIELD_NUMBER, entrySize(tags[i * 4 + 1], tags[i * 4 + 3]));
            }
        }
        if (hasSourceId) {
            size += lengthDelimitedSize(Envelope.TAGS_FIELD_NUMBER, entrySize(SOURCE_ID.length, scan.sourceIdLength));
        }

        byte[] out = new byte[size];
        CodedOutputStream coded = CodedOutputStream.newInstance(out);
        try {
            writeTagValue(coded, Envelope.ORIGIN_FIELD_NUMBER, in, tags, fieldTag[0]);
            coded.writeEnum(Envelope.EVENTTYPE_FIELD_NUMBER, EventType.LogMessage.getNumber());
            coded.writeInt64(Envelope.TIMESTAMP_FIELD_NUMBER, timestamp);
            writeLengthDelimited(coded, Envelope.LOGMESSAGE_FIELD_NUMBER, logSize);
            writeBytes(coded, LogMessage.MESSAGE_FIELD_NUMBER, in, scan.payloadOffset, scan.payloadLength);
            coded.writeEnum(LogMessage.MESSAGE_TYPE_FIELD_NUMBER, messageType);
            coded.writeInt64(LogMessage.TIMESTAMP_FIELD_NUMBER, timestamp);
            writeBytes(coded, LogMessage.APP_ID_FIELD_NUMBER, in, scan.sourceIdOffset, scan.sourceIdLength);
            writeTagValue(coded, LogMessage.SOURCE_TYPE_FIELD_NUMBER, in, tags, fieldTag[5]);
            writeBytes(coded, LogMessage.SOURCE_INSTANCE_FIELD_NUMBER, in, scan.instanceIdOffset, scan.instanceIdLength);
            for (int f = 1; f <= 4; f++) {
                writeTagValue(coded, FIELD_OF[f], in, tags, fieldTag[f]);
            }
            for (int i = 0; i < scan.tagCount; i++) {
                if ((remaining & 1 << i) != 0) {
                    writeLengthDelimited(coded, Envelope.TAGS_FIELD_NUMBER, entrySize(tags[i * 4 + 1], tags[i * 4 + 3]));
                    writeBytes(coded, 1, in, tags[i * 4], tags[i * 4 + 1]);
                    writeBytes(coded, 2, in, tags[i * 4 + 2], tags[i * 4 + 3]);
                }
            }
            if (hasSourceId) {
                writeLengthDelimited(coded, Envelope.TAGS_FIELD_NUMBER, entrySize(SOURCE_ID.length, scan.sourceIdLength));
                writeBytes(coded, 1, SOURCE_ID, 0, SOURCE_ID.length);
                writeBytes(coded, 2, in, scan.sourceIdOffset, scan.sourceIdLength);
            }
            coded.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new UncheckedIOException("sizes computed wrongly for a v1 envelope", e);
        }
        return out;
    }

    private static int fieldIndex(V2LogScan scan, int keyOffset, int keyLength) {
        for (int f = 0; f < FIELD_TAGS.length; f++) {
            if (scan.equals(keyOffset, keyLength, FIELD_TAGS[f])) {
                return f;
            }
        }
        return -1;
    }

    private static int valueLength(int[] tags, int tag) {
        return tag < 0 ? 0 : tags[tag * 4 + 3];
    }

    private static int entrySize(int keyLength, int valueLength) {
        return lengthDelimitedSize(1, keyLength) + lengthDelimitedSize(2, valueLength);
    }

    private static int lengthDelimitedSize(int field, int length) {
        return CodedOutputStream.computeTagSize(field) + CodedOutputStream.computeUInt32SizeNoTag(length) + length;
    }

    private static void writeLengthDelimited(CodedOutputStream coded, int field, int length) throws IOException {
        coded.writeTag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        coded.writeUInt32NoTag(length);
    }

    private static void writeBytes(CodedOutputStream coded, int field, byte[] in, int offset, int length) throws IOException {
        writeLengthDelimited(coded, field, length);
        coded.writeRawBytes(in, offset, length);
    }

    /** A tag's value as a v1 string field ("" when the tag is absent). */
    private static void writeTagValue(CodedOutputStream coded, int field, byte[] in, int[] tags, int tag) throws IOException {
        if (tag < 0) {
            writeLengthDelimited(coded, field, 0);
        } else {
            writeBytes(coded, field, in, tags[tag * 4 + 2], tags[tag * 4 + 3]);
        }
    }

    private static byte[][] ascii(String... keys) {
        byte[][] bytes = new byte[keys.length][];
        for (int i = 0; i < keys.length; i++) {
            bytes[i] = keys[i].getBytes(StandardCharsets.US_ASCII);
        }
        return bytes;
    }
}
