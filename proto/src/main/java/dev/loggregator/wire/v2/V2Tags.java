package dev.loggregator.wire.v2;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope;

/**
 * The tags of a v2 envelope as one mutable map: {@code tags} win over {@code deprecated_tags},
 * whose values are rendered as text (integers in decimal, decimals with six fractional digits).
 * Conversion takes the tags it maps to fields out; what is left becomes the v1 tags.
 */
final class V2Tags {
    private final Map<String, String> tags;

    V2Tags(LoggregatorEnvelope.Envelope envelope) {
        tags = new LinkedHashMap<>();
        for (Map.Entry<String, LoggregatorEnvelope.Value> entry : envelope.getDeprecatedTagsMap().entrySet()) {
            tags.put(entry.getKey(), text(entry.getValue()));
        }
        tags.putAll(envelope.getTagsMap());
    }

    /** Removes and returns a tag, or "" when absent. */
    String take(String key) {
        String value = tags.remove(key);
        return value == null ? "" : value;
    }

    void put(String key, String value) {
        tags.put(key, value);
    }

    Map<String, String> remaining() {
        return tags;
    }

    private static String text(LoggregatorEnvelope.Value value) {
        return switch (value.getDataCase()) {
            case TEXT -> value.getText();
            case INTEGER -> Long.toString(value.getInteger());
            case DECIMAL -> String.format(Locale.ROOT, "%.6f", value.getDecimal());
            case DATA_NOT_SET -> "";
        };
    }
}
