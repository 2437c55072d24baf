package dev.loggregator.wire.routing;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.loggregator.wire.MalformedEnvelopeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;

/**
 * The source id of a v2 envelope (the app's GUID for app data: what a v2 reader's queue sheds and counts
 * by), read from a record as a Doppler sends it to a v2 stream, marshalled or as protojson, without parsing
 * the envelope. Null when the record is not one (the caller then counts it under {@code system}).
 */
public final class V2SourceId {
    private static final int SOURCE_ID_TAG = Envelope.SOURCE_ID_FIELD_NUMBER << 3 | ProtoScanner.LEN;
    /** How {@code EnvelopeJson} and {@code WireEnvelopeJson} begin every envelope: the timestamp, then the source id. */
    private static final byte[] JSON_START = "{\"timestamp\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] JSON_SOURCE_ID = ",\"source_id\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final JsonFactory JSON = new JsonFactory();

    private V2SourceId() {
    }

    /** From a marshalled {@code loggregator.v2.Envelope}. */
    public static String ofProtobuf(byte[] envelope) {
        try {
            ProtoScanner scanner = new ProtoScanner(envelope, 0, envelope.length, 0);
            String sourceId = null;
            while (scanner.hasMore()) {
                int tag = scanner.readTag();
                if (tag == SOURCE_ID_TAG) {
                    int length = scanner.readLength();
                    // the last occurrence wins, as when protobuf parses the envelope
                    sourceId = new String(envelope, scanner.position(), length, StandardCharsets.UTF_8);
                    scanner.skipBytes(length);
                } else {
                    scanner.skip(tag);
                }
            }
            return sourceId == null ? "" : sourceId;
        } catch (MalformedEnvelopeException notAnEnvelope) {
            return null;
        }
    }

    /**
     * From an envelope's protojson as the Dopplers write it for {@code /v2/read}: found where they put it
     * (second, after the timestamp) without a parser; anywhere else at the top level, or escaped, by one.
     */
    public static String ofJson(byte[] json) {
        if (startsWith(json, 0, JSON_START)) {
            int at = JSON_START.length;
            while (at < json.length && json[at] != '"') {
                at++;
            }
            if (startsWith(json, at + 1, JSON_SOURCE_ID)) {
                int start = at + 1 + JSON_SOURCE_ID.length;
                for (int end = start; end < json.length; end++) {
                    if (json[end] == '"') {
                        return new String(json, start, end - start, StandardCharsets.UTF_8);
                    }
                    if (json[end] == '\\') {
                        break;
                    }
                }
            }
        }
        return parsedJson(json);
    }

    private static String parsedJson(byte[] json) {
        try (JsonParser parser = JSON.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("source_id".equals(name) && value == JsonToken.VALUE_STRING) {
                    return parser.getText();
                }
                parser.skipChildren();
            }
            return "";
        } catch (IOException notJson) {
            return null;
        }
    }

    private static boolean startsWith(byte[] bytes, int offset, byte[] prefix) {
        return bytes.length - offset >= prefix.length
                && Arrays.equals(bytes, offset, offset + prefix.length, prefix, 0, prefix.length);
    }
}
