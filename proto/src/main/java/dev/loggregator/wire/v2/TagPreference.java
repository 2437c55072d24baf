package dev.loggregator.wire.v2;

import java.util.Map;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;

/**
 * The reverse log proxy's {@code use_preferred_tags} (loggregator-release {@code rlp/internal/egress/server.go},
 * {@code convergeTags}): with preferred tags every {@code deprecated_tags} value moves into {@code tags}
 * as text and {@code deprecated_tags} is emptied; without, every tag moves into {@code deprecated_tags}
 * as a text value and {@code tags} is emptied. The RLP gateway always asks for preferred tags.
 */
public enum TagPreference {
    PREFERRED,
    DEPRECATED;

    public static TagPreference of(boolean usePreferredTags) {
        return usePreferredTags ? PREFERRED : DEPRECATED;
    }

    /** True when {@link #apply} would return {@code envelope} itself. */
    public boolean isNoOp(Envelope envelope) {
        return this == PREFERRED ? envelope.getDeprecatedTagsCount() == 0 : envelope.getTagsCount() == 0;
    }

    public Envelope apply(Envelope envelope) {
        if (isNoOp(envelope)) {
            return envelope;
        }
        Envelope.Builder converged = envelope.toBuilder();
        if (this == PREFERRED) {
            for (Map.Entry<String, LoggregatorEnvelope.Value> tag : envelope.getDeprecatedTagsMap().entrySet()) {
                String text = text(tag.getValue());
                if (text != null) {
                    converged.putTags(tag.getKey(), text);
                }
            }
            converged.clearDeprecatedTags();
        } else {
            for (Map.Entry<String, String> tag : envelope.getTagsMap().entrySet()) {
                converged.putDeprecatedTags(tag.getKey(), LoggregatorEnvelope.Value.newBuilder().setText(tag.getValue()).build());
            }
            converged.clearTags();
        }
        return converged.build();
    }

    /** {@code fmt.Sprint} of the value's data, or null for a value without data (the RLP skips those). */
    private static String text(LoggregatorEnvelope.Value value) {
        return switch (value.getDataCase()) {
            case TEXT -> value.getText();
            case INTEGER -> Long.toString(value.getInteger());
            case DECIMAL -> GoFloats.formatG(value.getDecimal());
            case DATA_NOT_SET -> null;
        };
    }
}
