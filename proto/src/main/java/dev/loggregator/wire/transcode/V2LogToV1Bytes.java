package dev.loggregator.wire.transcode;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import dev.loggregator.wire.routing.EnvelopeRouting;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope.EventType;
import org.cloudfoundry.dropsonde.events.LogFactory.LogMessage.MessageType;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope;

/**
 * The hot path of v2 ingress: writes the v1 bytes of a plain v2 log straight from the parsed v2
 * message, with the same fields and values as {@link dev.loggregator.wire.v2.V2ToV1Converter}
 * (byte for byte, up to the order of tags), and its routing key, without building a v1 Envelope
 * and scanning its bytes again. Logs are nearly all of the traffic; anything else (other
 * messages, {@code deprecated_tags}, the {@code __v1_type} Error mapping) returns null and takes
 * the converter.
 */
public final class V2LogToV1Bytes {
    /** The v1 envelope bytes and their routing key (the app id, or {@link EnvelopeRouting#SYSTEM}). */
    public record Result(byte[] envelope, String appId) {
    }

    private static final int ORIGIN = 1;
    private static final int EVENT_TYPE = 2;
    private static final int TIMESTAMP = 6;
    private static final int LOG_MESSAGE = 8;
    private static final int DEPLOYMENT = 13;
    private static final int JOB = 14;
    private static final int INDEX = 15;
    private static final int IP = 16;
    private static final int TAGS = 17;

    private static final int LOG_MESSAGE_BYTES = 1;
    private static final int LOG_MESSAGE_TYPE = 2;
    private static final int LOG_TIMESTAMP = 3;
    private static final int LOG_APP_ID = 4;
    private static final int LOG_SOURCE_TYPE = 5;
    private static final int LOG_SOURCE_INSTANCE = 6;

    private V2LogToV1Bytes() {
    }

    /** The v1 form of a plain v2 log, or null when the envelope needs the full converter. */
    public static Result transcode(LoggregatorEnvelope.Envelope v2) {
        if (!v2.hasLog() || v2.getDeprecatedTagsCount() != 0 || v2.getTagsMap().containsKey("__v1_type")) {
            return null;
        }
        Map<String, String> tags = v2.getTagsMap();
        String origin = tags.getOrDefault("origin", "");
        String deployment = tags.getOrDefault("deployment", "");
        String job = tags.getOrDefault("job", "");
        String index = tags.getOrDefault("index", "");
        String ip = tags.getOrDefault("ip", "");
        String sourceType = tags.getOrDefault("source_type", "");
        String sourceId = v2.getSourceId();
        ByteString payload = v2.getLog().getPayload();
        // as the converter (and tov1.go): only OUT is OUT, a type value this proto does not know is ERR
        int messageType = v2.getLog().getType() == LoggregatorEnvelope.Log.Type.OUT
                ? MessageType.OUT.getNumber() : MessageType.ERR.getNumber();
        long timestamp = v2.getTimestamp();

        int logSize = CodedOutputStream.computeBytesSize(LOG_MESSAGE_BYTES, payload)
                + CodedOutputStream.computeEnumSize(LOG_MESSAGE_TYPE, messageType)
                + CodedOutputStream.computeInt64Size(LOG_TIMESTAMP, timestamp)
                + CodedOutputStream.computeStringSize(LOG_APP_ID, sourceId)
                + CodedOutputStream.computeStringSize(LOG_SOURCE_TYPE, sourceType)
                + CodedOutputStream.computeStringSize(LOG_SOURCE_INSTANCE, v2.getInstanceId());
        int size = CodedOutputStream.computeStringSize(ORIGIN, origin)
                + CodedOutputStream.computeEnumSize(EVENT_TYPE, EventType.LogMessage.getNumber())
                + CodedOutputStream.computeInt64Size(TIMESTAMP, timestamp)
                + CodedOutputStream.computeTagSize(LOG_MESSAGE) + CodedOutputStream.computeUInt32SizeNoTag(logSize) + logSize
                + CodedOutputStream.computeStringSize(DEPLOYMENT, deployment)
                + CodedOutputStream.computeStringSize(JOB, job)
                + CodedOutputStream.computeStringSize(INDEX, index)
                + CodedOutputStream.computeStringSize(IP, ip);
        for (Map.Entry<String, String> tag : tags.entrySet()) {
            if (remains(tag.getKey(), sourceId)) {
                size += tagSize(tag.getKey(), tag.getValue());
            }
        }
        if (!sourceId.isEmpty()) {
            size += tagSize("source_id", sourceId);
        }

        byte[] out = new byte[size];
        CodedOutputStream coded = CodedOutputStream.newInstance(out);
        try {
            coded.writeString(ORIGIN, origin);
            coded.writeEnum(EVENT_TYPE, EventType.LogMessage.getNumber());
            coded.writeInt64(TIMESTAMP, timestamp);
            coded.writeTag(LOG_MESSAGE, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            coded.writeUInt32NoTag(logSize);
            coded.writeBytes(LOG_MESSAGE_BYTES, payload);
            coded.writeEnum(LOG_MESSAGE_TYPE, messageType);
            coded.writeInt64(LOG_TIMESTAMP, timestamp);
            coded.writeString(LOG_APP_ID, sourceId);
            coded.writeString(LOG_SOURCE_TYPE, sourceType);
            coded.writeString(LOG_SOURCE_INSTANCE, v2.getInstanceId());
            coded.writeString(DEPLOYMENT, deployment);
            coded.writeString(JOB, job);
            coded.writeString(INDEX, index);
            coded.writeString(IP, ip);
            for (Map.Entry<String, String> tag : tags.entrySet()) {
                if (remains(tag.getKey(), sourceId)) {
                    writeTag(coded, tag.getKey(), tag.getValue());
                }
            }
            if (!sourceId.isEmpty()) {
                writeTag(coded, "source_id", sourceId);
            }
            coded.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new UncheckedIOException("sizes computed wrongly for a v1 envelope", e);
        }
        return new Result(out, sourceId.isEmpty() ? EnvelopeRouting.SYSTEM : sourceId);
    }

    /** Tags that become fields are not v1 tags; a {@code source_id} tag gives way to the envelope's source id. */
    private static boolean remains(String key, String sourceId) {
        return switch (key) {
            case "origin", "deployment", "job", "index", "ip", "source_type" -> false;
            case "source_id" -> sourceId.isEmpty();
            default -> true;
        };
    }

    private static int entrySize(String key, String value) {
        return CodedOutputStream.computeStringSize(1, key) + CodedOutputStream.computeStringSize(2, value);
    }

    private static int tagSize(String key, String value) {
        int entry = entrySize(key, value);
        return CodedOutputStream.computeTagSize(TAGS) + CodedOutputStream.computeUInt32SizeNoTag(entry) + entry;
    }

    private static void writeTag(CodedOutputStream coded, String key, String value) throws IOException {
        coded.writeTag(TAGS, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        coded.writeUInt32NoTag(entrySize(key, value));
        coded.writeString(1, key);
        coded.writeString(2, value);
    }
}
