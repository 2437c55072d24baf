package dev.loggregator.wire.transcode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.protobuf.ByteString;
import dev.loggregator.wire.routing.EnvelopeRouting;
import dev.loggregator.wire.v2.V2ToV1Converter;
import java.util.List;
import java.util.Map;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Log;
import org.junit.jupiter.api.Test;

/** The fast log path must give exactly what the converter gives. */
class V2LogToV1BytesTest {

    private static LoggregatorEnvelope.Envelope.Builder log(String sourceId, String payload, Log.Type type) {
        return LoggregatorEnvelope.Envelope.newBuilder()
                .setTimestamp(1_700_000_000_123_456_789L)
                .setSourceId(sourceId)
                .setInstanceId("3")
                .setLog(Log.newBuilder().setPayload(ByteString.copyFromUtf8(payload)).setType(type));
    }

    private static void assertSameAsConverter(LoggregatorEnvelope.Envelope v2, boolean byteForByte) throws Exception {
        V2LogToV1Bytes.Result fast = V2LogToV1Bytes.transcode(v2);
        Envelope converted = V2ToV1Converter.convert(v2).get(0);
        assertEquals(converted, Envelope.parseFrom(fast.envelope()));
        if (byteForByte) {
            assertArrayEquals(converted.toByteArray(), fast.envelope());
        }
        assertEquals(EnvelopeRouting.read(fast.envelope()).appId(), fast.appId());
        assertEquals(Envelope.EventType.LogMessage, EnvelopeRouting.read(fast.envelope()).eventType());
    }

    @Test
    void plainLogsAreByteForByteWhatTheConverterWrites() throws Exception {
        assertSameAsConverter(log("6f9c2a43-7d1e-4c8a-9b2f-0e1d2c3b4a59", "hello", Log.Type.OUT).build(), true);
        assertSameAsConverter(log("app", "an error line", Log.Type.ERR).putTags("source_type", "APP/PROC/WEB").build(), true);
        assertSameAsConverter(log("app", "x".repeat(300), Log.Type.OUT).build(), true); // multi-byte lengths
        assertSameAsConverter(log("", "no source id", Log.Type.OUT).putTags("source_type", "RTR").build(), true);
        assertSameAsConverter(log("app", "", Log.Type.OUT).setTimestamp(-5).setInstanceId("").build(), true);
        assertSameAsConverter(log("äpp-ü", "ünïcödé ✓", Log.Type.OUT).putTags("source_type", "ÄPP").build(), true);
        // a type value from a newer proto: both paths make it ERR, as tov1.go does (only OUT is OUT)
        assertSameAsConverter(log("app", "new type", Log.Type.OUT).setLog(Log.newBuilder()
                .setPayload(ByteString.copyFromUtf8("new type")).setTypeValue(7)).build(), true);
    }

    @Test
    void tagsBecomeFieldsOrStayTags() throws Exception {
        assertSameAsConverter(log("app", "bosh", Log.Type.OUT).putAllTags(Map.of(
                "origin", "rep", "deployment", "cf", "job", "diego-cell", "index", "0c2a", "ip", "10.0.0.1",
                "source_type", "APP/PROC/WEB")).build(), true);
        assertSameAsConverter(log("app", "custom", Log.Type.OUT).putAllTags(Map.of(
                "origin", "rep", "space", "dev", "org", "acme", "process_type", "web")).build(), false);
        assertSameAsConverter(log("app", "source id tag", Log.Type.OUT).putTags("source_id", "other").build(), true);
        assertSameAsConverter(log("", "source id tag kept", Log.Type.OUT).putTags("source_id", "other").build(), true);
    }

    @Test
    void whatTheFastPathDoesNotCoverIsLeftToTheConverter() {
        assertNull(V2LogToV1Bytes.transcode(log("app", "e", Log.Type.OUT).putTags("__v1_type", "Error").build()));
        assertNull(V2LogToV1Bytes.transcode(log("app", "d", Log.Type.OUT)
                .putDeprecatedTags("source_type", LoggregatorEnvelope.Value.newBuilder().setText("APP").build()).build()));
        for (LoggregatorEnvelope.Envelope other : List.of(
                LoggregatorEnvelope.Envelope.newBuilder().setCounter(LoggregatorEnvelope.Counter.newBuilder().setName("c")).build(),
                LoggregatorEnvelope.Envelope.newBuilder().setEvent(LoggregatorEnvelope.Event.newBuilder().setTitle("t")).build(),
                LoggregatorEnvelope.Envelope.getDefaultInstance())) {
            assertNull(V2LogToV1Bytes.transcode(other));
        }
    }
}
