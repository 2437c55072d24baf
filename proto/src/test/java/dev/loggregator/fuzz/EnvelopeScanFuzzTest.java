package dev.loggregator.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.loggregator.wire.MalformedEnvelopeException;
import dev.loggregator.wire.routing.EnvelopeRouting;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;

/**
 * The routing-key scanner reads every envelope that reaches a Doppler. Any bytes must either be
 * refused with {@link MalformedEnvelopeException} or accepted as protobuf-java accepts them, with
 * the same event type (what routes an envelope must be what a client later parses).
 */
class EnvelopeScanFuzzTest {
    @FuzzTest(maxDuration = "5s")
    void scansWhatProtobufParsesAndRefusesTheRest(byte[] bytes) throws InvalidProtocolBufferException {
        EnvelopeRouting.Routing routing;
        try {
            routing = EnvelopeRouting.read(bytes);
        } catch (MalformedEnvelopeException refused) {
            return;
        }
        Envelope parsed = Envelope.parseFrom(bytes);
        assertEquals(parsed.getEventType(), routing.eventType());
    }
}
