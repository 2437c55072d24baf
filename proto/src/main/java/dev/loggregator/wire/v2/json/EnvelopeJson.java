package dev.loggregator.wire.v2.json;

import com.fasterxml.jackson.core.Base64Variants;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import dev.loggregator.wire.v2.GoFloats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Map;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.GaugeValue;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Log;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Value;

/**
 * A v2 envelope as Go's protojson writes it with {@code EmitUnpopulated}: what the RLP gateway puts
 * in its Server-Sent Events and Log Cache in its read answers (modern-apis.md §1.3, §3.2). Fields in
 * declaration order with loggregator-api's snake_case json names, every non-oneof field present,
 * int64/uint64 as strings, bytes as standard base64, enums by name, map keys sorted, doubles in Go's
 * shortest form, compact (go-loggregator's reader needs one line per event). Go-loggregator and the
 * cf CLI parse this strictly, so nothing else may appear.
 */
public final class EnvelopeJson {
    private static final JsonFactory FACTORY = new JsonFactoryBuilder()
            .characterEscapes(new GoCharacterEscapes())
            .build();
    private static final String[] NO_KEYS = new String[0];

    private EnvelopeJson() {
    }

    /** One envelope's JSON object, UTF-8. */
    public static byte[] encode(Envelope envelope) {
        // Sized without getSerializedSize(), which would walk every string of an envelope parsed just now
        // (what a Log Cache read encodes): a log's base64 payload plus room for the usual tags; more grows.
        ByteArrayBuilder out = new ByteArrayBuilder(512 + (envelope.hasLog() ? envelope.getLog().getPayload().size() * 4 / 3 : 0));
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            write(json, envelope);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // an in-memory builder does not fail
        }
        return out.toByteArray();
    }

    static void write(JsonGenerator json, Envelope envelope) throws IOException {
        json.writeStartObject();
        json.writeStringField("timestamp", Long.toString(envelope.getTimestamp()));
        json.writeStringField("source_id", envelope.getSourceId());
        json.writeStringField("instance_id", envelope.getInstanceId());
        json.writeFieldName("deprecated_tags");
        json.writeStartObject();
        Map<String, Value> deprecatedTags = envelope.getDeprecatedTagsMap();
        for (String key : sortedKeys(deprecatedTags)) {
            json.writeFieldName(key);
            writeValue(json, deprecatedTags.get(key));
        }
        json.writeEndObject();
        json.writeFieldName("tags");
        json.writeStartObject();
        Map<String, String> tags = envelope.getTagsMap();
        for (String key : sortedKeys(tags)) {
            json.writeStringField(key, tags.get(key));
        }
        json.writeEndObject();
        switch (envelope.getMessageCase()) {
            case LOG -> writeLog(json, envelope.getLog());
            case COUNTER -> {
                json.writeFieldName("counter");
                json.writeStartObject();
                json.writeStringField("name", envelope.getCounter().getName());
                json.writeStringField("delta", Long.toUnsignedString(envelope.getCounter().getDelta()));
                json.writeStringField("total", Long.toUnsignedString(envelope.getCounter().getTotal()));
                json.writeEndObject();
            }
            case GAUGE -> {
                json.writeFieldName("gauge");
                json.writeStartObject();
                json.writeFieldName("metrics");
                json.writeStartObject();
                Map<String, GaugeValue> metrics = envelope.getGauge().getMetricsMap();
                for (String name : sortedKeys(metrics)) {
                    GaugeValue metric = metrics.get(name);
                    json.writeFieldName(name);
                    json.writeStartObject();
                    json.writeStringField("unit", metric.getUnit());
                    json.writeFieldName("value");
                    json.writeNumber(GoFloats.formatJson(metric.getValue()));
                    json.writeEndObject();
                }
                json.writeEndObject();
                json.writeEndObject();
            }
            case TIMER -> {
                json.writeFieldName("timer");
                json.writeStartObject();
                json.writeStringField("name", envelope.getTimer().getName());
                json.writeStringField("start", Long.toString(envelope.getTimer().getStart()));
                json.writeStringField("stop", Long.toString(envelope.getTimer().getStop()));
                json.writeEndObject();
            }
            case EVENT -> {
                json.writeFieldName("event");
                json.writeStartObject();
                json.writeStringField("title", envelope.getEvent().getTitle());
                json.writeStringField("body", envelope.getEvent().getBody());
                json.writeEndObject();
            }
            case MESSAGE_NOT_SET -> {
                // protojson leaves an unset oneof out entirely
            }
        }
        json.writeEndObject();
    }

    private static void writeLog(JsonGenerator json, Log log) throws IOException {
        json.writeFieldName("log");
        json.writeStartObject();
        json.writeFieldName("payload");
        byte[] payload = log.getPayload().toByteArray();
        json.writeBinary(Base64Variants.MIME_NO_LINEFEEDS, payload, 0, payload.length);
        json.writeFieldName("type");
        switch (log.getType()) {
            case OUT -> json.writeString("OUT");
            case ERR -> json.writeString("ERR");
            default -> json.writeNumber(log.getTypeValue()); // a number this proto has no name for
        }
        json.writeEndObject();
    }

    private static void writeValue(JsonGenerator json, Value value) throws IOException {
        json.writeStartObject();
        switch (value.getDataCase()) {
            case TEXT -> json.writeStringField("text", value.getText());
            case INTEGER -> json.writeStringField("integer", Long.toString(value.getInteger()));
            case DECIMAL -> {
                json.writeFieldName("decimal");
                json.writeNumber(GoFloats.formatJson(value.getDecimal()));
            }
            case DATA_NOT_SET -> {
                // an empty Value is {} in protojson
            }
        }
        json.writeEndObject();
    }

    /**
     * The map's keys in code point order (UTF-8 byte order), as protojson sorts them. Keys rather than
     * entries: protobuf's read-only map view wraps every entry it hands out.
     */
    private static String[] sortedKeys(Map<String, ?> map) {
        String[] keys = map.keySet().toArray(NO_KEYS);
        if (keys.length > 1) {
            Arrays.sort(keys, EnvelopeJson::compareCodePoints);
        }
        return keys;
    }

    static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int x = a.codePointAt(i);
            int y = b.codePointAt(j);
            if (x != y) {
                return Integer.compare(x, y);
            }
            i += Character.charCount(x);
            j += Character.charCount(y);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
