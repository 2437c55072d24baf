package dev.loggregator.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import dev.loggregator.wire.routing.EnvelopeRouting;
import dev.loggregator.wire.routing.EnvelopeRouting.Routing;
import dev.loggregator.wire.uuid.V1Uuids;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.cloudfoundry.dropsonde.events.ErrorFactory;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope.EventType;
import org.cloudfoundry.dropsonde.events.HttpFactory;
import org.cloudfoundry.dropsonde.events.LogFactory.LogMessage;
import org.cloudfoundry.dropsonde.events.MetricFactory;
import org.cloudfoundry.dropsonde.events.UuidFactory;
import org.junit.jupiter.api.Test;

/**
 * Envelope bytes written out by hand from the field tags of spec §1.6 (not produced by any
 * encoder), checked three ways: protobuf-java encodes the same message to exactly these bytes,
 * parses them back to an equal message, and EnvelopeRouting reads the right routing key from them.
 * sonde-go writes fields in the same ascending order, so these are also the bytes Go clients see.
 */
class GoldenBytesTest {
    static final String APP = "f47ac10b-58cc-4372-a567-0e02b2c3d479";

    /** Joins byte values (ints 0..255) and ASCII strings into one array. */
    static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object part : parts) {
            if (part instanceof Integer value) {
                if (value < 0 || value > 0xFF) {
                    throw new IllegalArgumentException("not a byte: " + value);
                }
                out.write(value);
            } else if (part instanceof String text) {
                out.writeBytes(text.getBytes(StandardCharsets.US_ASCII));
            } else if (part instanceof byte[] raw) {
                out.writeBytes(raw);
            } else {
                throw new IllegalArgumentException("unsupported part " + part);
            }
        }
        return out.toByteArray();
    }

    /** The ten-byte varint of -1 (int32 and int64 negatives are sign-extended, not zigzag). */
    static final byte[] MINUS_ONE = bytes(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01);

    private static void assertGolden(byte[] golden, Envelope envelope, Routing routing) throws Exception {
        assertArrayEquals(golden, envelope.toByteArray(), "protobuf-java encoding");
        assertEquals(golden.length, envelope.getSerializedSize());
        assertEquals(envelope, Envelope.parseFrom(golden), "round trip");
        assertEquals(routing, EnvelopeRouting.read(golden), "routing");
        byte[] embedded = bytes(0x00, 0x01, 0x02, golden, 0x7F);
        assertEquals(routing, EnvelopeRouting.read(embedded, 3, golden.length), "routing at an offset");
    }

    @Test
    void logMessageWithOriginEventTypeTimestampAndOneTag() throws Exception {
        byte[] golden = bytes(
                0x0A, 3, "rep",                  // 1 origin
                0x10, 5,                         // 2 eventType = LogMessage
                0x30, 0xC0, 0x84, 0x3D,          // 6 timestamp = 1_000_000 (varint)
                0x42, 67,                        // 8 logMessage, 67 bytes:
                0x0A, 5, "hello",                //   1 message (7 bytes)
                0x10, 1,                         //   2 message_type = OUT (2)
                0x18, 0xAC, 0x02,                //   3 timestamp = 300 (3)
                0x22, 36, APP,                   //   4 app_id (38)
                0x2A, 12, "APP/PROC/WEB",        //   5 source_type (14)
                0x32, 1, "0",                    //   6 source_instance (3)
                0x8A, 0x01, 6,                   // 17 tags entry, 6 bytes:
                0x0A, 1, "k", 0x12, 1, "v");     //   key = "k", value = "v"
        Envelope envelope = Envelope.newBuilder()
                .setOrigin("rep")
                .setEventType(EventType.LogMessage)
                .setTimestamp(1_000_000)
                .setLogMessage(LogMessage.newBuilder()
                        .setMessage(ByteString.copyFromUtf8("hello"))
                        .setMessageType(LogMessage.MessageType.OUT)
                        .setTimestamp(300)
                        .setAppId(APP)
                        .setSourceType("APP/PROC/WEB")
                        .setSourceInstance("0"))
                .putTags("k", "v")
                .build();
        assertGolden(golden, envelope, new Routing(APP, EventType.LogMessage, 5, 0)); // "hello" from instance 0
    }

    @Test
    void errLogMessageWithoutAppIdRoutesToSystem() throws Exception {
        byte[] golden = bytes(
                0x0A, 1, "o",
                0x10, 5,
                0x42, 7,                         // 8 logMessage, 7 bytes
                0x0A, 0,                         //   1 message = "" (present though empty)
                0x10, 2,                         //   2 message_type = ERR
                0x18, 0x80, 0x01);               //   3 timestamp = 128
        Envelope envelope = Envelope.newBuilder().setOrigin("o").setEventType(EventType.LogMessage)
                .setLogMessage(LogMessage.newBuilder().setMessage(ByteString.EMPTY)
                        .setMessageType(LogMessage.MessageType.ERR).setTimestamp(128))
                .build();
        assertGolden(golden, envelope, new Routing(EnvelopeRouting.SYSTEM, EventType.LogMessage));
    }

    @Test
    void valueMetricWithBoshMetadata() throws Exception {
        byte[] golden = bytes(
                0x0A, 13, "DopplerServer",       // 1 origin
                0x10, 6,                         // 2 eventType = ValueMetric
                0x30, 0x80, 0x80, 0xA8, 0xB1, 0xE3, 0x9F, 0xE7, 0xCB, 0x17, // 6 timestamp 1.7e18 = 0x17979CFE362A0000
                0x4A, 23,                        // 9 valueMetric, 23 bytes:
                0x0A, 3, "cpu",                  //   1 name (5)
                0x11, 0, 0, 0, 0, 0, 0, 0xF8, 0x3F, // 2 value = 1.5 (fixed64 little-endian 0x3FF8000000000000) (9)
                0x1A, 7, "percent",              //   3 unit (9)
                0x6A, 2, "cf",                   // 13 deployment
                0x72, 7, "doppler",              // 14 job
                0x7A, 1, "0",                    // 15 index
                0x82, 0x01, 8, "10.0.0.1");      // 16 ip (two-byte tag)
        Envelope envelope = Envelope.newBuilder()
                .setOrigin("DopplerServer")
                .setEventType(EventType.ValueMetric)
                .setTimestamp(1_700_000_000_000_000_000L)
                .setValueMetric(MetricFactory.ValueMetric.newBuilder().setName("cpu").setValue(1.5).setUnit("percent"))
                .setDeployment("cf").setJob("doppler").setIndex("0").setIp("10.0.0.1")
                .build();
        assertGolden(golden, envelope, new Routing(EnvelopeRouting.SYSTEM, EventType.ValueMetric));
    }

    @Test
    void emptyOptionalStringsArePresentOnTheWire() throws Exception {
        // The gRPC-era Traffic Controller always sets deployment/job/index/ip, even to "".
        byte[] golden = bytes(
                0x0A, 1, "o", 0x10, 7,
                0x52, 5, 0x0A, 1, "n", 0x10, 0,  // 10 counterEvent {name "n", delta 0}
                0x6A, 0, 0x72, 0, 0x7A, 0, 0x82, 0x01, 0);
        Envelope envelope = Envelope.newBuilder().setOrigin("o").setEventType(EventType.CounterEvent)
                .setCounterEvent(MetricFactory.CounterEvent.newBuilder().setName("n").setDelta(0))
                .setDeployment("").setJob("").setIndex("").setIp("")
                .build();
        assertGolden(golden, envelope, new Routing(EnvelopeRouting.SYSTEM, EventType.CounterEvent));
    }

    @Test
    void counterEvent() throws Exception {
        byte[] golden = bytes(
                0x0A, 1, "o",
                0x10, 7,                         // eventType = CounterEvent
                0x52, 15,                        // 10 counterEvent, 15 bytes:
                0x0A, 8, "requests",             //   1 name (10)
                0x10, 5,                         //   2 delta = 5 (2)
                0x18, 0xAC, 0x02);               //   3 total = 300 (3)
        Envelope envelope = Envelope.newBuilder().setOrigin("o").setEventType(EventType.CounterEvent)
                .setCounterEvent(MetricFactory.CounterEvent.newBuilder().setName("requests").setDelta(5).setTotal(300))
                .build();
        assertGolden(golden, envelope, new Routing(EnvelopeRouting.SYSTEM, EventType.CounterEvent));
    }

    @Test
    void containerMetric() throws Exception {
        byte[] golden = bytes(
                0x0A, 3, "rep",
                0x10, 9,                         // eventType = ContainerMetric
                0x62, 60,                        // 12 containerMetric, 60 bytes:
                0x0A, 36, APP,                   //   1 applicationId (38)
                0x10, 3,                         //   2 instanceIndex = 3 (2)
                0x19, 0, 0, 0, 0, 0, 0, 0xE0, 0x3F, // 3 cpuPercentage = 0.5 (9)
                0x20, 0x80, 0x08,                //   4 memoryBytes = 1024 (3)
                0x28, 0x80, 0x10,                //   5 diskBytes = 2048 (3)
                0x30, 0x80, 0x20,                //   6 memoryBytesQuota = 4096 (3)
                0x38, 0x01);                     //   7 diskBytesQuota = 1 (2)
        Envelope envelope = Envelope.newBuilder().setOrigin("rep").setEventType(EventType.ContainerMetric)
                .setContainerMetric(MetricFactory.ContainerMetric.newBuilder().setApplicationId(APP).setInstanceIndex(3)
                        .setCpuPercentage(0.5).setMemoryBytes(1024).setDiskBytes(2048)
                        .setMemoryBytesQuota(4096).setDiskBytesQuota(1))
                .build();
        assertGolden(golden, envelope, new Routing(APP, EventType.ContainerMetric));
    }

    @Test
    void containerMetricWithNegativeInstanceIndex() throws Exception {
        byte[] golden = bytes(
                0x0A, 1, "o", 0x10, 9,
                0x62, 34,                        // 12 containerMetric, 34 bytes:
                0x0A, 3, "app",                  //   1 applicationId (5)
                0x10, MINUS_ONE,                 //   2 instanceIndex = -1 (11)
                0x19, 0, 0, 0, 0, 0, 0, 0, 0,    //   3 cpuPercentage = 0.0, present (9)
                0x20, 0, 0x28, 0,                //   4, 5 memory/disk = 0 (4)
                0x30, 0x80, 0x02,                //   6 memoryBytesQuota = 256 (3)
                0x38, 0x00);                     //   7 diskBytesQuota = 0 (2)
        Envelope envelope = Envelope.newBuilder().setOrigin("o").setEventType(EventType.ContainerMetric)
                .setContainerMetric(MetricFactory.ContainerMetric.newBuilder().setApplicationId("app").setInstanceIndex(-1)
                        .setCpuPercentage(0).setMemoryBytes(0).setDiskBytes(0)
                        .setMemoryBytesQuota(256).setDiskBytesQuota(0))
                .build();
        assertGolden(golden, envelope, new Routing("app", EventType.ContainerMetric));
    }

    @Test
    void error() throws Exception {
        byte[] golden = bytes(
                0x0A, 1, "o",
                0x10, 8,                         // eventType = Error
                0x5A, 19,                        // 11 error, 19 bytes:
                0x0A, 3, "api",                  //   1 source (5)
                0x10, 0x94, 0x03,                //   2 code = 404 (3)
                0x1A, 9, "not found");           //   3 message (11)
        Envelope envelope = Envelope.newBuilder().setOrigin("o").setEventType(EventType.Error)
                .setError(ErrorFactory.Error.newBuilder().setSource("api").setCode(404).setMessage("not found"))
                .build();
        assertGolden(golden, envelope, new Routing(EnvelopeRouting.SYSTEM, EventType.Error));
    }

    @Test
    void errorWithNegativeCode() throws Exception {
        byte[] golden = bytes(0x0A, 1, "o", 0x10, 8,
                0x5A, 15, 0x0A, 0, 0x10, MINUS_ONE, 0x1A, 0);
        Envelope envelope = Envelope.newBuilder().setOrigin("o").setEventType(EventType.Error)
                .setError(ErrorFactory.Error.newBuilder().setSource("").setCode(-1).setMessage(""))
                .build();
        assertGolden(golden, envelope, new Routing(EnvelopeRouting.SYSTEM, EventType.Error));
    }

    /** requestId 00000000-0000-0000-0000-000000000001: low = 0, high = bytes 8..15 little-endian = 1 << 56. */
    static final byte[] REQUEST_ID = bytes(0x08, 0x00, 0x10, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01);
    /** The §1.5 worked example: low 0x7243cc580bc17af4, high 0x79d4c3b2020e67a5 as varints. */
    static final byte[] APP_UUID = bytes(
            0x08, 0xF4, 0xF5, 0x85, 0xDE, 0x80, 0x8B, 0xF3, 0xA1, 0x72,
            0x10, 0xA5, 0xCF, 0xB9, 0x90, 0xA0, 0xF6, 0xB0, 0xEA, 0x79);

    static HttpFactory.HttpStartStop.Builder httpStartStop() {
        return HttpFactory.HttpStartStop.newBuilder()
                .setStartTimestamp(1_000_000).setStopTimestamp(2_000_000)
                .setRequestId(UuidFactory.UUID.newBuilder().setLow(0).setHigh(1L << 56))
                .setPeerType(HttpFactory.PeerType.Server).setMethod(HttpFactory.Method.GET)
                .setUri("/").setRemoteAddress("10.0.0.1").setUserAgent("curl")
                .setStatusCode(200).setContentLength(42);
    }

    @Test
    void httpStartStopWithUuidsNegativeInstanceIndexAndForwarded() throws Exception {
        byte[] golden = bytes(
                0x0A, 8, "gorouter",
                0x10, 4,                         // eventType = HttpStartStop
                0x3A, 106,                       // 7 httpStartStop, 106 bytes:
                0x08, 0xC0, 0x84, 0x3D,          //   1 startTimestamp = 1_000_000 (4)
                0x10, 0x80, 0x89, 0x7A,          //   2 stopTimestamp = 2_000_000 (4)
                0x1A, 12, REQUEST_ID,            //   3 requestId (14)
                0x20, 2,                         //   4 peerType = Server (2)
                0x28, 1,                         //   5 method = GET (2)
                0x32, 1, "/",                    //   6 uri (3)
                0x3A, 8, "10.0.0.1",             //   7 remoteAddress (10)
                0x42, 4, "curl",                 //   8 userAgent (6)
                0x48, 0xC8, 0x01,                //   9 statusCode = 200 (3)
                0x50, 42,                        //  10 contentLength = 42 (2)
                0x62, 20, APP_UUID,              //  12 applicationId (22)
                0x68, MINUS_ONE,                 //  13 instanceIndex = -1, ten-byte varint (11)
                0x72, 3, "abc",                  //  14 instanceId (5)
                0x7A, 7, "1.1.1.1",              //  15 forwarded (9)
                0x7A, 7, "2.2.2.2");             //  15 forwarded (9)
        Envelope envelope = Envelope.newBuilder().setOrigin("gorouter").setEventType(EventType.HttpStartStop)
                .setHttpStartStop(httpStartStop()
                        .setApplicationId(V1Uuids.toV1(APP))
                        .setInstanceIndex(-1).setInstanceId("abc")
                        .addForwarded("1.1.1.1").addForwarded("2.2.2.2"))
                .build();
        assertGolden(golden, envelope, new Routing(APP, EventType.HttpStartStop));
        assertEquals("00000000-0000-0000-0000-000000000001",
                V1Uuids.format(Envelope.parseFrom(golden).getHttpStartStop().getRequestId()));
    }

    @Test
    void httpStartStopWithoutApplicationIdRoutesToSystem() throws Exception {
        byte[] golden = bytes(
                0x0A, 8, "gorouter", 0x10, 4,
                0x3A, 50,
                0x08, 0xC0, 0x84, 0x3D, 0x10, 0x80, 0x89, 0x7A,
                0x1A, 12, REQUEST_ID,
                0x20, 2, 0x28, 1, 0x32, 1, "/", 0x3A, 8, "10.0.0.1", 0x42, 4, "curl",
                0x48, 0xC8, 0x01, 0x50, 42);
        Envelope envelope = Envelope.newBuilder().setOrigin("gorouter").setEventType(EventType.HttpStartStop)
                .setHttpStartStop(httpStartStop()).build();
        assertGolden(golden, envelope, new Routing(EnvelopeRouting.SYSTEM, EventType.HttpStartStop));
    }

    @Test
    void fieldsOutOfOrderStillParseAndRoute() throws Exception {
        // Other encoders may write fields in any order; readers must not care (tags first, eventType last).
        byte[] golden = bytes(
                0x8A, 0x01, 6, 0x0A, 1, "k", 0x12, 1, "v",
                0x42, 12, 0x22, 3, "app", 0x18, 1, 0x10, 1, 0x0A, 1, "x",
                0x0A, 1, "o",
                0x10, 5);
        Envelope parsed = Envelope.parseFrom(golden);
        assertEquals("app", parsed.getLogMessage().getAppId());
        assertEquals(new Routing("app", EventType.LogMessage), EnvelopeRouting.read(golden));
    }
}
