package dev.loggregator.wire.v2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Map;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Value;
import org.junit.jupiter.api.Test;

/** The reverse log proxy's tag convergence ({@code convergeTags}). */
class TagPreferenceTest {
    @Test
    void preferredMovesDeprecatedValuesIntoTagsAsGoPrintsThem() {
        Envelope envelope = Envelope.newBuilder().putTags("kept", "yes")
                .putDeprecatedTags("text", Value.newBuilder().setText("t").build())
                .putDeprecatedTags("integer", Value.newBuilder().setInteger(-12).build())
                .putDeprecatedTags("decimal", Value.newBuilder().setDecimal(1e6).build())
                .putDeprecatedTags("empty", Value.getDefaultInstance())
                .build();
        Envelope preferred = TagPreference.PREFERRED.apply(envelope);
        assertEquals(Map.of("kept", "yes", "text", "t", "integer", "-12", "decimal", "1e+06"), preferred.getTagsMap());
        assertEquals(0, preferred.getDeprecatedTagsCount());
    }

    @Test
    void deprecatedMovesTagsIntoTextValues() {
        Envelope deprecated = TagPreference.DEPRECATED.apply(Envelope.newBuilder().putTags("a", "1").build());
        assertEquals(Map.of("a", Value.newBuilder().setText("1").build()), deprecated.getDeprecatedTagsMap());
        assertEquals(0, deprecated.getTagsCount());
    }

    @Test
    void nothingToMoveKeepsTheSameEnvelope() {
        Envelope plain = Envelope.newBuilder().putTags("a", "1").build();
        assertSame(plain, TagPreference.PREFERRED.apply(plain));
    }
}
