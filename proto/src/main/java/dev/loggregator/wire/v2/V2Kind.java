package dev.loggregator.wire.v2;

import org.cloudfoundry.dropsonde.events.EventFactory.Envelope.EventType;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;

/** The message of a v2 envelope, which v2 selectors and Log Cache's {@code envelope_types} filter on. */
public enum V2Kind {
    LOG,
    COUNTER,
    GAUGE,
    TIMER,
    EVENT;

    /** The kind of a v2 envelope; null for one without a message. */
    public static V2Kind of(Envelope envelope) {
        return switch (envelope.getMessageCase()) {
            case LOG -> LOG;
            case COUNTER -> COUNTER;
            case GAUGE -> GAUGE;
            case TIMER -> TIMER;
            case EVENT -> EVENT;
            case MESSAGE_NOT_SET -> null;
        };
    }

    /** The kind a v1 envelope of this type becomes in v2 ({@link V1ToV2Converter}). */
    public static V2Kind of(EventType v1Type) {
        return switch (v1Type) {
            case LogMessage, Error -> LOG;
            case HttpStartStop -> TIMER;
            case ValueMetric, ContainerMetric -> GAUGE;
            case CounterEvent -> COUNTER;
        };
    }

    public int bit() {
        return 1 << ordinal();
    }
}
