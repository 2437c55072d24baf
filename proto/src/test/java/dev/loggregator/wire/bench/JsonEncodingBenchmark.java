package dev.loggregator.wire.bench;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.loggregator.wire.v2.json.EnvelopeJson;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Gauge;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.GaugeValue;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Log;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The v2 JSON encoding that {@code /v2/read} and Log Cache reads pay once per envelope
 * ({@link EnvelopeJson#encode}, Go protojson's form), beside protobuf-java-util's own
 * {@link JsonFormat} printer set up as close to that form as it goes (proto field names, fields
 * without presence printed, sorted map keys, compact) and beside marshalling the same envelope as
 * protobuf: an app log with a 200-byte line and the tags a Diego cell's agent adds, and a container
 * metrics gauge with its five metrics. Run: see README.md, Performance.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class JsonEncodingBenchmark {
    private static final int ENVELOPES = 256;
    private static final JsonFormat.Printer JSON_FORMAT = JsonFormat.printer()
            .preservingProtoFieldNames()
            .alwaysPrintFieldsWithNoPresence()
            .sortingMapKeys()
            .omittingInsignificantWhitespace();

    private Envelope[] logs;
    private Envelope[] gauges;
    private byte[][] marshalledLogs;
    private int next;

    @Setup
    public void createEnvelopes() {
        logs = new Envelope[ENVELOPES];
        gauges = new Envelope[ENVELOPES];
        for (int i = 0; i < ENVELOPES; i++) {
            String app = new UUID(0x5EEDL * i, 0xF00DL * (i + 1)).toString();
            String line = "10.0.4.12 - - [21/Nov/2026:05:12:01 +0000] \"GET /v2/orders/" + i + " HTTP/1.1\" 200 512 \"-\" "
                    + "\"Mozilla/5.0\" x_forwarded_for:\"10.0.2.7\" response_time:0.004 app_index:0 ";
            logs[i] = Envelope.newBuilder()
                    .setTimestamp(1_763_700_000_000_000_000L + i)
                    .setSourceId(app)
                    .setInstanceId(Integer.toString(i % 4))
                    .putTags("source_type", "APP/PROC/WEB")
                    .putTags("origin", "rep")
                    .putTags("deployment", "cf")
                    .putTags("job", "diego-cell")
                    .putTags("index", "8c1b5d43-7c2e-4b5b-9a6e-2f0e5a1c3d4e")
                    .putTags("ip", "10.0.16.23")
                    .setLog(Log.newBuilder()
                            .setPayload(ByteString.copyFromUtf8((line + "x".repeat(200)).substring(0, 200)))
                            .setType(Log.Type.OUT))
                    .build();
            gauges[i] = Envelope.newBuilder()
                    .setTimestamp(1_763_700_000_000_000_000L + i)
                    .setSourceId(app)
                    .setInstanceId(Integer.toString(i % 4))
                    .putTags("origin", "rep")
                    .putTags("deployment", "cf")
                    .putTags("job", "diego-cell")
                    .putTags("index", "8c1b5d43-7c2e-4b5b-9a6e-2f0e5a1c3d4e")
                    .putTags("ip", "10.0.16.23")
                    .setGauge(Gauge.newBuilder()
                            .putMetrics("cpu", gauge("percentage", 0.25 * i))
                            .putMetrics("memory", gauge("bytes", 100_000_000 + i))
                            .putMetrics("disk", gauge("bytes", 200_000_000 + i))
                            .putMetrics("memory_quota", gauge("bytes", 1L << 30))
                            .putMetrics("disk_quota", gauge("bytes", 1L << 31)))
                    .build();
        }
        marshalledLogs = new byte[ENVELOPES][];
        for (int i = 0; i < ENVELOPES; i++) {
            marshalledLogs[i] = logs[i].toByteArray();
        }
    }

    private static GaugeValue gauge(String unit, double value) {
        return GaugeValue.newBuilder().setUnit(unit).setValue(value).build();
    }

    private int nextIndex() {
        int index = next;
        next = (next + 1) & (ENVELOPES - 1);
        return index;
    }

    @Benchmark
    public byte[] logEnvelopeJson() {
        return EnvelopeJson.encode(logs[nextIndex()]);
    }

    /** What a Log Cache read does per stored envelope: parse the bytes kept, then encode. */
    @Benchmark
    public byte[] logParsedEnvelopeJson() throws InvalidProtocolBufferException {
        return EnvelopeJson.encode(Envelope.parseFrom(marshalledLogs[nextIndex()]));
    }

    @Benchmark
    public byte[] logJsonFormat() throws InvalidProtocolBufferException {
        return JSON_FORMAT.print(logs[nextIndex()]).getBytes(StandardCharsets.UTF_8);
    }

    @Benchmark
    public byte[] logProtobuf() {
        return logs[nextIndex()].toByteArray();
    }

    @Benchmark
    public byte[] gaugeEnvelopeJson() {
        return EnvelopeJson.encode(gauges[nextIndex()]);
    }

    @Benchmark
    public byte[] gaugeJsonFormat() throws InvalidProtocolBufferException {
        return JSON_FORMAT.print(gauges[nextIndex()]).getBytes(StandardCharsets.UTF_8);
    }

    @Benchmark
    public byte[] gaugeProtobuf() {
        return gauges[nextIndex()].toByteArray();
    }
}
