package dev.loggregator.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.wire.filter.EnvelopeFilter;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope.EventType;
import org.junit.jupiter.api.Test;

class EnvelopeFilterTest {
    @Test
    void logsIsLogMessagesOnlyAndMetricsIsEverythingElse() {
        for (EventType type : EventType.values()) {
            boolean log = type == EventType.LogMessage;
            assertEquals(log, EnvelopeFilter.LOGS.accepts(type), type.name());
            assertEquals(!log, EnvelopeFilter.METRICS.accepts(type), type.name());
            assertTrue(EnvelopeFilter.ALL.accepts(type));
        }
    }

    @Test
    void queryValues() {
        assertEquals(EnvelopeFilter.LOGS, EnvelopeFilter.fromQuery("logs"));
        assertEquals(EnvelopeFilter.METRICS, EnvelopeFilter.fromQuery("metrics"));
        assertEquals(EnvelopeFilter.ALL, EnvelopeFilter.fromQuery(null));
        assertEquals(EnvelopeFilter.ALL, EnvelopeFilter.fromQuery("LOGS"));
        assertFalse(EnvelopeFilter.ALL.queryValue() != null);
        assertEquals("metrics", EnvelopeFilter.METRICS.queryValue());
    }
}
