package dev.loggregator.wire.transcode;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import dev.loggregator.wire.routing.EnvelopeRouting;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope.EventType;
import org.cloudfoundry.dropsonde.events.LogFactory.LogMessage;
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

        int logSize = CodedOutputStream.computeBytesSize(LogMessage.MESSAGE_FIELD_NUMBER, payload)
                + CodedOutputStream.computeEnumSize(LogMessage.MESSAGE_TYPE_FIELD_NUMBER, messageType)
                + CodedOutputStream.computeInt64Size(LogMessage.TIMESTAMP_FIELD_NUMBER, timestamp)
                + CodedOutputStream.computeStringSize(LogMessage.APP_ID_FIELD_NUMBER, sourceId)
                + CodedOutputStream.computeStringSize(LogMessage.SOURCE_TYPE_FIELD_NUMBER, sourceType)
                + CodedOutputStream.computeStringSize(LogMessage.SOURCE_INSTANCE_FIELD_NUMBER, v2.getInstanceId());
        int size = CodedOutputStream.computeStringSize(Envelope.ORIGIN_FIELD_NUMBER, origin)
                + CodedOutputStream.computeEnumSize(Envelope.EVENTTYPE_FIELD_NUMBER, EventType.LogMessage.getNumber())
                + CodedOutputStream.computeInt64Size(Envelope.TIMESTAMP_FIELD_NUMBER, timestamp)
                + CodedOutputStream.computeTagSize(Envelope.LOGMESSAGE_FIELD_NUMBER)
                + CodedOutputStream.computeUInt32SizeNoTag(logSize) + logSize
                + CodedOutputStream.computeStringSize(Envelope.DEPLOYMENT_FIELD_NUMBER, deployment)
                + CodedOutputStream.computeStringSize(Envelope.JOB_FIELD_NUMBER, job)
                + CodedOutputStream.computeStringSize(Envelope.INDEX_FIELD_NUMBER, index)
                + CodedOutputStream.computeStringSize(Envelope.IP_FIELD_NUMBER, ip);
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
            coded.writeString(Envelope.ORIGIN_FIELD_NUMBER, origin);
            coded.writeEnum(Envelope.EVENTTYPE_FIELD_NUMBER, EventType.LogMessage.getNumber());
            coded.writeInt64(Envelope.TIMESTAMP_FIELD_NUMBER, timestamp);
            coded.writeTag(Envelope.LOGMESSAGE_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            coded.writeUInt32NoTag(logSize);
            coded.writeBytes(LogMessage.MESSAGE_FIELD_NUMBER, payload);
            coded.writeEnum(LogMessage.MESSAGE_TYPE_FIELD_NUMBER, messageType);
            coded.writeInt64(LogMessage.TIMESTAMP_FIELD_NUMBER, timestamp);
            coded.writeString(LogMessage.APP_ID_FIELD_NUMBER, sourceId);
            coded.writeString(LogMessage.SOURCE_TYPE_FIELD_NUMBER, sourceType);
            coded.writeString(LogMessage.SOURCE_INSTANCE_FIELD_NUMBER, v2.getInstanceId());
            coded.writeString(Envelope.DEPLOYMENT_FIELD_NUMBER, deployment);
            coded.writeString(Envelope.JOB_FIELD_NUMBER, job);
            coded.writeString(Envelope.INDEX_FIELD_NUMBER, index);
            coded.writeString(Envelope.IP_FIELD_NUMBER, ip);
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
        return CodedOutputStream.computeTagSize(Envelope.TAGS_FIELD_NUMBER)
                + CodedOutputStream.computeUInt32SizeNoTag(entry) + entry;
    }

    private static void writeTag(CodedOutputStream coded, String key, String value) throws IOException {
        coded.writeTag(Envelope.TAGS_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        coded.writeUInt32NoTag(entrySize(key, value));
        coded.writeString(1, key);
        coded.writeString(2, value);
    }
}
