package dev.loggregator.wire.bench;

import com.google.protobuf.ByteString;
import dev.loggregator.wire.v2.V2ToV1Converter;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * v2 -> v1 conversion at gRPC ingress, alone and with the serialization that follows it (the v1
 * bytes are what Doppler stores and forwards): a v2 log as a Diego cell's agent sends it, and a
 * container-metric gauge. Run: see README.md, Performance.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ConversionBenchmark {
    private static final int ENVELOPES = 256;

    private LoggregatorEnvelope.Envelope[] logs;
    private LoggregatorEnvelope.Envelope[] gauges;
    private int next;

    @Setup
    public void createEnvelopes() {
        logs = new LoggregatorEnvelope.Envelope[ENVELOPES];
        gauges = new LoggregatorEnvelope.Envelope[ENVELOPES];
        for (int i = 0; i < ENVELOPES; i++) {
            String app = new UUID(0x5EEDL * i, 0xF00DL * (i + 1)).toString();
            LoggregatorEnvelope.Envelope.Builder common = LoggregatorEnvelope.Envelope.newBuilder()
                    .setTimestamp(1_763_700_000_000_000_000L + i)
                    .setSourceId(app)
                    .setInstanceId(Integer.toString(i % 4))
                    .putTags("origin", "rep")
                    .putTags("deployment", "cf")
                    .putTags("job", "diego-cell")
                    .putTags("index", "8c1b5d43-7c2e-4b5b-9a6e-2f0e5a1c3d4e")
                    .putTags("ip", "10.0.16.23");
            logs[i] = common.clone()
                    .putTags("source_type", "APP/PROC/WEB")
                    .setLog(LoggregatorEnvelope.Log.newBuilder()
                            .setPayload(ByteString.copyFromUtf8("10.0.4.12 - - [21/Nov/2026:05:12:01 +0000] \"GET /v2/info HTTP/1.1\" 200 " + i))
                            .setType(LoggregatorEnvelope.Log.Type.OUT))
                    .build();
            gauges[i] = common.clone()
                    .setGauge(LoggregatorEnvelope.Gauge.newBuilder()
                            .putMetrics("cpu", gauge("percentage", 0.25 * i))
                            .putMetrics("memory", gauge("bytes", 100_000_000 + i))
                            .putMetrics("disk", gauge("bytes", 200_000_000 + i))
                            .putMetrics("memory_quota", gauge("bytes", 1L << 30))
                            .putMetrics("disk_quota", gauge("bytes", 1L << 31))
                            .putMetrics("instance_index", gauge("", i % 4)))
                    .build();
        }
    }

    private static LoggregatorEnvelope.GaugeValue gauge(String unit, double value) {
        return LoggregatorEnvelope.GaugeValue.newBuilder().setUnit(unit).setValue(value).build();
    }

    private int nextIndex() {
        int index = next;
        next = (next + 1) & (ENVELOPES - 1);
        return index;
    }

    @Benchmark
    public List<Envelope> logConvert() {
        return V2ToV1Converter.convert(logs[nextIndex()]);
    }

    @Benchmark
    public byte[] logConvertToBytes() {
        return V2ToV1Converter.convert(logs[nextIndex()]).get(0).toByteArray();
    }

    @Benchmark
    public byte[] containerGaugeConvertToBytes() {
        return V2ToV1Converter.convert(gauges[nextIndex()]).get(0).toByteArray();
    }
}
