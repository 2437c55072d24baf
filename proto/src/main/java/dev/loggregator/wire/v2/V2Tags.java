package dev.loggregator.wire.v2;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
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
            // A Value without data has no text form; tov1.go leaves it out of the v1 tags.
            if (entry.getValue().getDataCase() != LoggregatorEnvelope.Value.DataCase.DATA_NOT_SET) {
                tags.put(entry.getKey(), text(entry.getValue()));
            }
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
            case DECIMAL -> decimal(value.getDecimal());
            case DATA_NOT_SET -> "";
        };
    }

    /**
     * Go's {@code fmt.Sprintf("%f", d)}: six fractional digits of the exact binary value, ties to
     * even, a kept minus sign on zero, and {@code +Inf}/{@code -Inf}/{@code NaN}. String.format
     * differs: it rounds the shortest decimal form half up (0.0078125 becomes 0.007813, not 0.007812).
     */
    private static String decimal(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        String digits = new BigDecimal(value).setScale(6, RoundingMode.HALF_EVEN).toPlainString();
        return Math.copySign(1.0, value) < 0 && !digits.startsWith("-") ? "-" + digits : digits;
    }
}
