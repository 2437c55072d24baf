package dev.loggregator.cli.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import org.cloudfoundry.dropsonde.events.HttpFactory;
import org.cloudfoundry.dropsonde.events.HttpFactory.HttpStartStop;
import org.cloudfoundry.dropsonde.events.LogFactory.LogMessage;
import org.cloudfoundry.dropsonde.events.MetricFactory.CounterEvent;
import org.cloudfoundry.dropsonde.events.UuidFactory;
import org.junit.jupiter.api.Test;

class EnvelopeJsonTest {
    private final EnvelopeJson json = new EnvelopeJson();

    private static JsonNode parse(String line) throws Exception {
        return new ObjectMapper().readTree(line);
    }

    @Test
    void logEnvelopeHasEveryFieldOnOneLine() throws Exception {
        Envelope envelope = Envelope.newBuilder().setOrigin("rep").setEventType(Envelope.EventType.LogMessage)
                .setTimestamp(1_500_000_000_123_456_789L).setDeployment("cf").setJob("diego-cell").setIndex("0").setIp("10.0.0.5")
                .putTags("source_id", "app-1").putTags("space", "dev")
                .setLogMessage(LogMessage.newBuilder().setMessage(ByteString.copyFromUtf8("line one\nline two"))
                        .setMessageType(LogMessage.MessageType.ERR).setTimestamp(1_500_000_000_000_000_001L)
                        .setAppId("app-1").setSourceType("APP/PROC/WEB").setSourceInstance("3"))
                .build();
        String line = json.line(envelope);
        assertFalse(line.contains("\n"), line);
        JsonNode node = parse(line);
        assertEquals("rep", node.get("origin").asText());
        assertEquals("LogMessage", node.get("eventType").asText());
        assertEquals(1_500_000_000_123_456_789L, node.get("timestamp").asLong());
        assertEquals("cf", node.get("deployment").asText());
        assertEquals("diego-cell", node.get("job").asText());
        assertEquals("0", node.get("index").asText());
        assertEquals("10.0.0.5", node.get("ip").asText());
        assertEquals("dev", node.get("tags").get("space").asText());
        assertEquals("app-1", node.get("tags").get("source_id").asText());
        JsonNode log = node.get("logMessage");
        assertEquals("line one\nline two", log.get("message").asText());
        assertEquals("ERR", log.get("messageType").asText());
        assertEquals(1_500_000_000_000_000_001L, log.get("timestamp").asLong());
        assertEquals("app-1", log.get("appId").asText());
        assertEquals("APP/PROC/WEB", log.get("sourceType").asText());
        assertEquals("3", log.get("sourceInstance").asText());
    }

    @Test
    void uuidsAsTextAndUnsignedCountersAsNumbers() throws Exception {
        UuidFactory.UUID uuid = UuidFactory.UUID.newBuilder().setLow(0x7243cc580bc17af4L).setHigh(0x79d4c3b2020e67a5L).build();
        Envelope http = Envelope.newBuilder().setOrigin("gorouter").setEventType(Envelope.EventType.HttpStartStop)
                .setHttpStartStop(HttpStartStop.newBuilder().setStartTimestamp(1).setStopTimestamp(2).setRequestId(uuid)
                        .setPeerType(HttpFactory.PeerType.Client).setMethod(HttpFactory.Method.PATCH).setUri("/x")
                        .setRemoteAddress("a").setUserAgent("b").setStatusCode(204).setContentLength(0)
                        .addForwarded("1.2.3.4").addForwarded("5.6.7.8"))
                .build();
        JsonNode node = parse(json.line(http)).get("httpStartStop");
        assertEquals("f47ac10b-58cc-4372-a567-0e02b2c3d479", node.get("requestId").asText());
        assertEquals("PATCH", node.get("method").asText());
        assertEquals("Client", node.get("peerType").asText());
        assertEquals(2, node.get("forwarded").size());

        Envelope counter = Envelope.newBuilder().setOrigin("x").setEventType(Envelope.EventType.CounterEvent)
                .setCounterEvent(CounterEvent.newBuilder().setName("n").setDelta(-1L).setTotal(5)).build();
        assertEquals("18446744073709551615", parse(json.line(counter)).get("counterEvent").get("delta").asText());
    }
}
