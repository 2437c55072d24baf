package dev.loggregator.doppler.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import dev.loggregator.doppler.routing.RoutedEnvelope;
import dev.loggregator.wire.routing.EnvelopeRouting;
import dev.loggregator.wire.v2.V2ToV1Converter;
import java.nio.charset.StandardCharsets;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import org.cloudfoundry.dropsonde.events.LogFactory.LogMessage;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope;
import org.junit.jupiter.api.Test;

/** The notice is the line Cloud Foundry's executor writes, from the instance that went over, in its form (v1 or v2). */
class LogRateLimitNoticeTest {
    private static final long NOW = 1_700_000_000_123_456_789L;

    @Test
    void theExecutorsText() {
        assertEquals("app instance exceeded log rate limit (1024 bytes/sec)", LogRateLimitNotice.text(1024));
    }

    @Test
    void fromAV1LogAnOutLineOfTheSameInstance() throws Exception {
        byte[] v1 = Envelope.newBuilder()
                .setOrigin("rep")
                .setDeployment("cf").setJob("diego-cell").setIndex("idx").setIp("10.0.0.7")
                .setEventType(Envelope.EventType.LogMessage)
                .setTimestamp(5)
                .setLogMessage(LogMessage.newBuilder()
                        .setMessage(ByteString.copyFromUtf8("a very long line"))
                        .setMessageType(LogMessage.MessageType.ERR)
                        .setTimestamp(5)
                        .setAppId("app-guid")
                        .setSourceType("APP/PROC/WEB")
                        .setSourceInstance("2"))
                .build()
                .toByteArray();
        RoutedEnvelope notice = LogRateLimitNotice.of(RoutedEnvelope.fromV1(EnvelopeRouting.read(v1), v1), 1024, NOW);
        Envelope parsed = Envelope.parseFrom(notice.v1Bytes());
        LogMessage log = parsed.getLogMessage();
        assertEquals("app instance exceeded log rate limit (1024 bytes/sec)", log.getMessage().toString(StandardCharsets.UTF_8));
        assertEquals(LogMessage.MessageType.OUT, log.getMessageType(), "OUT even when the line that went over was ERR");
        assertEquals("app-guid", log.getAppId());
        assertEquals("APP/PROC/WEB", log.getSourceType());
        assertEquals("2", log.getSourceInstance());
        assertEquals(NOW, log.getTimestamp());
        assertEquals(NOW, parsed.getTimestamp());
        assertEquals("rep", parsed.getOrigin());
        assertEquals("10.0.0.7", parsed.getIp());
        assertEquals("app-guid", notice.appId());
    }

    @Test
    void fromAV2LogAV2NoticeWithTheAppsTagsAndItsV1Form() throws Exception {
        LoggregatorEnvelope.Envelope v2 = LoggregatorEnvelope.Envelope.newBuilder()
                .setTimestamp(5)
                .setSourceId("app-guid")
                .setInstanceId("1")
                .putTags("source_type", "APP/PROC/WORKER")
                .putTags("app_name", "shop")
                .setLog(LoggregatorEnvelope.Log.newBuilder()
                        .setPayload(ByteString.copyFromUtf8("too much"))
                        .setType(LoggregatorEnvelope.Log.Type.ERR))
                .build();
        RoutedEnvelope trigger = RoutedEnvelope.fromV2(v2.toByteArray(), v2,
                new byte[][] {V2ToV1Converter.convert(v2).get(0).toByteArray()}, "app-guid", Envelope.EventType.LogMessage);
        RoutedEnvelope notice = LogRateLimitNotice.of(trigger, 4096, NOW);
        LoggregatorEnvelope.Envelope parsed = notice.v2();
        assertEquals("app instance exceeded log rate limit (4096 bytes/sec)", parsed.getLog().getPayload().toStringUtf8());
        assertEquals(LoggregatorEnvelope.Log.Type.OUT, parsed.getLog().getType());
        assertEquals("app-guid", parsed.getSourceId());
        assertEquals("1", parsed.getInstanceId());
        assertEquals("APP/PROC/WORKER", parsed.getTagsOrThrow("source_type"));
        assertEquals("shop", parsed.getTagsOrThrow("app_name"));
        assertEquals(NOW, parsed.getTimestamp());
        Envelope v1 = Envelope.parseFrom(notice.v1Bytes());
        assertEquals("app instance exceeded log rate limit (4096 bytes/sec)",
                v1.getLogMessage().getMessage().toString(StandardCharsets.UTF_8));
        assertEquals("APP/PROC/WORKER", v1.getLogMessage().getSourceType());
        assertEquals("1", v1.getLogMessage().getSourceInstance());
        assertEquals(LogMessage.MessageType.OUT, v1.getLogMessage().getMessageType());
    }
}
