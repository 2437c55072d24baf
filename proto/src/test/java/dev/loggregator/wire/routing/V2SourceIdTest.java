package dev.loggregator.wire.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.protobuf.ByteString;
import dev.loggregator.wire.v2.json.EnvelopeJson;
import java.nio.charset.StandardCharsets;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Counter;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Log;
import org.junit.jupiter.api.Test;

/** The source id read from a v2 record's bytes is the one the parsed envelope has. */
class V2SourceIdTest {
    private static Envelope log(String sourceId) {
        return Envelope.newBuilder().setTimestamp(-42).setSourceId(sourceId).setInstanceId("1")
                .putTags("app_name", "quote\"d").setLog(Log.newBuilder().setPayload(ByteString.copyFromUtf8("hello"))).build();
    }

    @Test
    void readsTheSourceIdOfAMarshalledEnvelope() {
        assertEquals("3f1c-app", V2SourceId.ofProtobuf(log("3f1c-app").toByteArray()));
        assertEquals("ünïcode", V2SourceId.ofProtobuf(log("ünïcode").toByteArray()));
        assertEquals("", V2SourceId.ofProtobuf(Envelope.newBuilder()
                .setCounter(Counter.newBuilder().setName("c")).build().toByteArray()));
    }

    @Test
    void theLastSourceIdWinsAsWhenParsed() {
        byte[] twice = concat(log("first").toByteArray(), Envelope.newBuilder().setSourceId("second").build().toByteArray());
        assertEquals("second", V2SourceId.ofProtobuf(twice));
    }

    @Test
    void aRecordThatIsNoEnvelopeHasNone() {
        assertNull(V2SourceId.ofProtobuf(new byte[] {0x12, 0x7f, 'a'}));
        assertNull(V2SourceId.ofJson("not json".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void readsTheSourceIdOfProtojsonAsTheDopplersWriteIt() {
        assertEquals("3f1c-app", V2SourceId.ofJson(EnvelopeJson.encode(log("3f1c-app"))));
        assertEquals("ünïcode", V2SourceId.ofJson(EnvelopeJson.encode(log("ünïcode"))));
        assertEquals("with\"quote", V2SourceId.ofJson(EnvelopeJson.encode(log("with\"quote"))));
        assertEquals("", V2SourceId.ofJson(EnvelopeJson.encode(Envelope.newBuilder()
                .setCounter(Counter.newBuilder().setName("c")).build())));
    }

    @Test
    void readsTheSourceIdOfProtojsonInAnotherOrder() {
        assertEquals("app", V2SourceId.ofJson("{\"tags\":{\"source_id\":\"tag\"},\"source_id\":\"app\"}"
                .getBytes(StandardCharsets.UTF_8)));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
