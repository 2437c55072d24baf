package dev.loggregator.wire;

import static dev.loggregator.wire.BadInputTest.MINIMAL;
import static dev.loggregator.wire.GoldenBytesTest.MINUS_ONE;
import static dev.loggregator.wire.GoldenBytesTest.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.loggregator.wire.routing.EnvelopeTimestamp;
import java.util.Arrays;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import org.junit.jupiter.api.Test;

class EnvelopeTimestampTest {
    private static void assertSameAsProtobufJava(long expected, byte[] bytes) throws InvalidProtocolBufferException {
        assertEquals(expected, Envelope.parseFrom(bytes).getTimestamp(), "protobuf-java");
        assertEquals(expected, EnvelopeTimestamp.read(bytes), "scan");
    }

    @Test
    void readsTheTimestampOfEveryKindOfEnvelope() throws Exception {
        Envelope log = EnvelopeRoutingTest.log(EnvelopeRoutingTest.APP);
        assertSameAsProtobufJava(2, log.toByteArray());
        assertSameAsProtobufJava(1_700_000_000_123_456_789L, log.toBuilder().setTimestamp(1_700_000_000_123_456_789L)
                .setDeployment("cf").setIp("10.0.0.1").build().toByteArray());
        assertSameAsProtobufJava(-1, bytes(MINIMAL, 0x30, MINUS_ONE));
    }

    @Test
    void anAbsentTimestampIsZero() throws Exception {
        assertSameAsProtobufJava(0, MINIMAL);
    }

    @Test
    void theLastOccurrenceWinsAndOtherWireTypesOfField6AreUnknownFields() throws Exception {
        assertSameAsProtobufJava(7, bytes(0x30, 5, MINIMAL, 0x30, 7));
        // field 6 as fixed64 (tag 0x31) is kept as an unknown field by protobuf-java
        assertSameAsProtobufJava(5, bytes(0x30, 5, MINIMAL, 0x31, 1, 2, 3, 4, 5, 6, 7, 8));
    }

    @Test
    void brokenWireFormatIsRejected() {
        byte[] withTimestamp = bytes(MINIMAL, 0x30, 0x80);
        assertThrows(MalformedEnvelopeException.class, () -> EnvelopeTimestamp.read(withTimestamp));
        byte[] cutPayload = Arrays.copyOf(MINIMAL, MINIMAL.length - 1);
        assertThrows(MalformedEnvelopeException.class, () -> EnvelopeTimestamp.read(cutPayload));
    }
}
