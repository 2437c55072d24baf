package dev.loggregator.cli.format;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import java.time.ZoneId;
import java.util.List;
import org.cloudfoundry.dropsonde.events.ErrorFactory;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope.EventType;
import org.cloudfoundry.dropsonde.events.HttpFactory;
import org.cloudfoundry.dropsonde.events.HttpFactory.HttpStartStop;
import org.cloudfoundry.dropsonde.events.LogFactory.LogMessage;
import org.cloudfoundry.dropsonde.events.MetricFactory.ContainerMetric;
import org.cloudfoundry.dropsonde.events.MetricFactory.CounterEvent;
import org.cloudfoundry.dropsonde.events.MetricFactory.ValueMetric;
import org.cloudfoundry.dropsonde.events.UuidFactory;
import org.junit.jupiter.api.Test;

/** Firehose lines, the metrics table and byte sizes. */
class FormatsTest {
    private static final ZoneId UTC = ZoneId.of("UTC");
    private static final long T = 1_500_000_000_123_456_789L;
    /** f47ac10b-58cc-4372-a567-0e02b2c3d479 (uuid.proto's worked example). */
    private static final UuidFactory.UUID APP_UUID = UuidFactory.UUID.newBuilder().setLow(0x7243cc580bc17af4L).setHigh(0x79d4c3b2020e67a5L).build();
    private final FirehoseFormatter firehose = new FirehoseFormatter(UTC, false);

    private static Envelope.Builder envelope(EventType type) {
        return Envelope.newBuilder().setOrigin("rep").setEventType(type).setTimestamp(T);
    }

    @Test
    void firehoseLogLineKeepsOneEnvelopePerLine() {
        Envelope log = envelope(EventType.LogMessage).setLogMessage(LogMessage.newBuilder()
                .setMessage(ByteString.copyFromUtf8("hello\nworld\n")).setMessageType(LogMessage.MessageType.OUT)
                .setTimestamp(T).setAppId("app-1").setSourceType("APP/PROC/WEB").setSourceInstance("2")).build();
        assertEquals("   2017-07-14T02:40:00.12+0000 LogMessage rep app=app-1 [APP/PROC/WEB/2] OUT hello\\nworld", firehose.line(log));
    }

    @Test
    void firehoseMetricLines() {
        assertEquals("   2017-07-14T02:40:00.12+0000 ValueMetric DopplerServer/doppler/0 ingress=1024 count",
                firehose.line(envelope(EventType.ValueMetric).setOrigin("DopplerServer").setJob("doppler").setIndex("0")
                        .setValueMetric(ValueMetric.newBuilder().setName("ingress").setValue(1024.0).setUnit("count")).build()));
        assertEquals("   2017-07-14T02:40:00.12+0000 ValueMetric rep latency=0.25 ms",
                firehose.line(envelope(EventType.ValueMetric)
                        .setValueMetric(ValueMetric.newBuilder().setName("latency").setValue(0.25).setUnit("ms")).build()));
        assertEquals("   2017-07-14T02:40:00.12+0000 CounterEvent rep requests +3 total=1290",
                firehose.line(envelope(EventType.CounterEvent)
                        .setCounterEvent(CounterEvent.newBuilder().setName("requests").setDelta(3).setTotal(1290)).build()));
        assertEquals("   2017-07-14T02:40:00.12+0000 ContainerMetric rep app=app-1/1 cpu=1.5% memory=25.5M/1G disk=120M",
                firehose.line(envelope(EventType.ContainerMetric).setContainerMetric(ContainerMetric.newBuilder()
                        .setApplicationId("app-1").setInstanceIndex(1).setCpuPercentage(1.5)
                        .setMemoryBytes(26_738_688L).setMemoryBytesQuota(1L << 30).setDiskBytes(120L << 20)).build()));
    }

    @Test
    void firehoseHttpAndErrorLines() {
        HttpStartStop http = HttpStartStop.newBuilder().setStartTimestamp(T).setStopTimestamp(T + 12_340_000L)
                .setRequestId(APP_UUID).setPeerType(HttpFactory.PeerType.Server).setMethod(HttpFactory.Method.GET)
                .setUri("http://app.example.com/x").setRemoteAddress("10.0.0.1:5000").setUserAgent("curl")
                .setStatusCode(200).setContentLength(512).setApplicationId(APP_UUID).setInstanceIndex(0).build();
        assertEquals("   2017-07-14T02:40:00.12+0000 HttpStartStop gorouter app=f47ac10b-58cc-4372-a567-0e02b2c3d479/0 GET "
                        + "http://app.example.com/x 200 512B 12.3ms Server 10.0.0.1:5000 request=f47ac10b-58cc-4372-a567-0e02b2c3d479",
                firehose.line(envelope(EventType.HttpStartStop).setOrigin("gorouter").setHttpStartStop(http).build()));
        assertEquals("   2017-07-14T02:40:00.12+0000 Error api source=cc code=500 it broke",
                firehose.line(envelope(EventType.Error).setOrigin("api")
                        .setError(ErrorFactory.Error.newBuilder().setSource("cc").setCode(500).setMessage("it broke")).build()));
    }

    @Test
    void metricsTableSortsInstancesAndShowsQuotas() {
        List<String> lines = MetricsTable.lines(List.of(
                ContainerMetric.newBuilder().setApplicationId("a").setInstanceIndex(1).setCpuPercentage(12.345)
                        .setMemoryBytes(512L << 20).setMemoryBytesQuota(1L << 30).setDiskBytes(1L << 30).setDiskBytesQuota(2L << 30).build(),
                ContainerMetric.newBuilder().setApplicationId("a").setInstanceIndex(0).setCpuPercentage(0.1)
                        .setMemoryBytes(26_738_688L).setMemoryBytesQuota(1L << 30).setDiskBytes(0).build()));
        assertEquals(List.of(
                "instance   cpu     memory        disk",
                "#0         0.1%    25.5M of 1G   0",
                "#1         12.3%   512M of 1G    1G of 2G"), lines);
    }

    @Test
    void byteSizesAsTheCfCli() {
        assertEquals("0", ByteSize.format(0));
        assertEquals("512B", ByteSize.format(512));
        assertEquals("1K", ByteSize.format(1024));
        assertEquals("1.5K", ByteSize.format(1536));
        assertEquals("25.5M", ByteSize.format(26_738_688L));
        assertEquals("1G", ByteSize.format(1L << 30));
        assertEquals("2T", ByteSize.format(2L << 40));
        assertEquals("16777216T", ByteSize.format(-1L));
    }
}
