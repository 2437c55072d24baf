package dev.loggregator.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.loggregator.wire.routing.EnvelopeRouting;
import dev.loggregator.wire.routing.EnvelopeRouting.Routing;
import dev.loggregator.wire.uuid.V1Uuids;
import java.util.Arrays;
import java.util.List;
import org.cloudfoundry.dropsonde.events.ErrorFactory;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope.EventType;
import org.cloudfoundry.dropsonde.events.HttpFactory;
import org.cloudfoundry.dropsonde.events.LogFactory.LogMessage;
import org.cloudfoundry.dropsonde.events.MetricFactory;
import org.junit.jupiter.api.Test;

class EnvelopeRoutingTest {
    static final String APP = "f47ac10b-58cc-4372-a567-0e02b2c3d479";

    static Envelope log(String appId) {
        LogMessage.Builder log = LogMessage.newBuilder().setMessage(ByteString.copyFromUtf8("hello"))
                .setMessageType(LogMessage.MessageType.OUT).setTimestamp(1);
        if (appId != null) {
            log.setAppId(appId);
        }
        return Envelope.newBuilder().setOrigin("test").setEventType(EventType.LogMessage).setLogMessage(log)
                .setTimestamp(2).putTags("k", "v").build();
    }

    static HttpFactory.HttpStartStop.Builder http() {
        return HttpFactory.HttpStartStop.newBuilder().setStartTimestamp(1).setStopTimestamp(2)
                .setRequestId(V1Uuids.toV1("00000000-0000-0000-0000-000000000001"))
                .setPeerType(HttpFactory.PeerType.Server).setMethod(HttpFactory.Method.GET).setUri("/")
                .setRemoteAddress("1.2.3.4").setUserAgent("ua").setStatusCode(200).setContentLength(3)
                .setInstanceIndex(-1);
    }

    @Test
    void logMessageRoutesByAppId() {
        assertEquals(new Routing(APP, EventType.LogMessage), EnvelopeRouting.read(log(APP).toByteArray()));
        assertEquals(new Routing("system", EventType.LogMessage), EnvelopeRouting.read(log(null).toByteArray()));
    }

    @Test
    void containerMetricRoutesByApplicationId() {
        Envelope envelope = Envelope.newBuilder().setOrigin("rep").setEventType(EventType.ContainerMetric)
                .setContainerMetric(MetricFactory.ContainerMetric.newBuilder().setApplicationId("app-1")
                        .setInstanceIndex(-1).setCpuPercentage(1.5).setMemoryBytes(1).setDiskBytes(2))
                .build();
        assertEquals(new Routing("app-1", EventType.ContainerMetric), EnvelopeRouting.read(envelope.toByteArray()));
    }

    @Test
    void httpStartStopRoutesByFormattedApplicationUuidElseSystem() {
        Envelope withApp = Envelope.newBuilder().setOrigin("gorouter").setEventType(EventType.HttpStartStop)
                .setHttpStartStop(http().setApplicationId(V1Uuids.toV1(APP)).addForwarded("10.0.0.1")).build();
        assertEquals(new Routing(APP, EventType.HttpStartStop), EnvelopeRouting.read(withApp.toByteArray()));
        Envelope withoutApp = Envelope.newBuilder().setOrigin("gorouter").setEventType(EventType.HttpStartStop)
                .setHttpStartStop(http()).build();
        assertEquals("system", EnvelopeRouting.read(withoutApp.toByteArray()).appId());
    }

    @Test
    void metricsAndErrorsAreSystem() {
        Envelope value = Envelope.newBuilder().setOrigin("o").setEventType(EventType.ValueMetric)
                .setValueMetric(MetricFactory.ValueMetric.newBuilder().setName("n").setValue(1).setUnit("u")).build();
        Envelope counter = Envelope.newBuilder().setOrigin("o").setEventType(EventType.CounterEvent)
                .setCounterEvent(MetricFactory.CounterEvent.newBuilder().setName("n").setDelta(1)).build();
        Envelope error = Envelope.newBuilder().setOrigin("o").setEventType(EventType.Error)
                .setError(ErrorFactory.Error.newBuilder().setSource("s").setCode(1).setMessage("m")).build();
        assertEquals(new Routing("system", EventType.ValueMetric), EnvelopeRouting.read(value.toByteArray()));
        assertEquals(new Routing("system", EventType.CounterEvent), EnvelopeRouting.read(counter.toByteArray()));
        assertEquals(new Routing("system", EventType.Error), EnvelopeRouting.read(error.toByteArray()));
    }

    @Test
    void readsAtAnOffset() {
        byte[] envelope = log(APP).toByteArray();
        byte[] padded = new byte[envelope.length + 10];
        System.arraycopy(envelope, 0, padded, 5, envelope.length);
        assertEquals(APP, EnvelopeRouting.read(padded, 5, envelope.length).appId());
    }

    @Test
    void acceptsATruncationExactlyWhenProtobufJavaParsesItWithItsPayload() {
        Envelope withApp = Envelope.newBuilder().setOrigin("gorouter").setEventType(EventType.HttpStartStop)
                .setHttpStartStop(http().setApplicationId(V1Uuids.toV1(APP))).build();
        for (Envelope envelope : List.of(log(APP), withApp)) {
            byte[] bytes = envelope.toByteArray();
            for (int length = 0; length <= bytes.length; length++) {
                byte[] truncated = Arrays.copyOf(bytes, length);
                boolean parses;
                try {
                    Envelope parsed = Envelope.parseFrom(truncated);
                    // Stricter than protobuf-java on purpose: an envelope without the payload its
                    // eventType names carries nothing to route.
                    parses = parsed.hasLogMessage() || parsed.hasHttpStartStop();
                } catch (InvalidProtocolBufferException e) {
                    parses = false;
                }
                if (parses) {
                    assertEquals(envelope.getEventType(), EnvelopeRouting.read(truncated).eventType(), "length " + length);
                } else {
                    assertThrows(MalformedEnvelopeException.class, () -> EnvelopeRouting.read(truncated), "length " + length);
                }
            }
        }
    }

    @Test
    void missingRequiredFieldsAreRejectedLikeProtobufJava() {
        // origin missing
        byte[] noOrigin = log(APP).toBuilder().clearOrigin().buildPartial().toByteArray();
        assertThrows(MalformedEnvelopeException.class, () -> EnvelopeRouting.read(noOrigin));
        // LogMessage without its required timestamp
        Envelope partial = Envelope.newBuilder().setOrigin("o").setEventType(EventType.LogMessage)
                .setLogMessage(LogMessage.newBuilder().setMessage(ByteString.EMPTY)
                        .setMessageType(LogMessage.MessageType.ERR).buildPartial()).buildPartial();
        assertThrows(MalformedEnvelopeException.class, () -> EnvelopeRouting.read(partial.toByteArray()));
        // eventType says LogMessage but the payload is a ValueMetric
        Envelope mismatched = Envelope.newBuilder().setOrigin("o").setEventType(EventType.LogMessage)
                .setValueMetric(MetricFactory.ValueMetric.newBuilder().setName("n").setValue(1).setUnit("u")).build();
        assertThrows(MalformedEnvelopeException.class, () -> EnvelopeRouting.read(mismatched.toByteArray()));
        // unknown eventType 3 (reserved)
        byte[] unknownType = {0x0A, 0x01, 'o', 0x10, 0x03};
        assertThrows(MalformedEnvelopeException.class, () -> EnvelopeRouting.read(unknownType));
    }

    @Test
    void garbageIsRejected() {
        assertThrows(MalformedEnvelopeException.class, () -> EnvelopeRouting.read(new byte[] {(byte) 0xFF, (byte) 0xFF}));
        assertThrows(MalformedEnvelopeException.class, () -> EnvelopeRouting.read("GET / HTTP/1.1\r\n".getBytes()));
        // a length prefix far beyond the buffer must not allocate or loop
        assertThrows(MalformedEnvelopeException.class,
                () -> EnvelopeRouting.read(new byte[] {0x0A, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07}));
    }
}
