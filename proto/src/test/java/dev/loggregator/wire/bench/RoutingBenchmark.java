package dev.loggregator.wire.bench;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.loggregator.wire.routing.EnvelopeRouting;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope.EventType;
import org.cloudfoundry.dropsonde.events.LogFactory.LogMessage;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Routing-key extraction at ingress: the streaming {@link EnvelopeRouting#read} against a full
 * protobuf-java parse, over 1024 distinct realistic LogMessage envelopes of about 200 bytes (as a
 * Diego cell's Metron sends them over dropsonde: app GUID, source type and BOSH metadata).
 * Run: see README.md, Performance.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RoutingBenchmark {
    private static final int ENVELOPES = 1024;

    private byte[][] envelopes;
    private int next;

    @Setup
    public void createEnvelopes() {
        envelopes = new byte[ENVELOPES][];
        String[] lines = {
            "10.0.4.12 - - [21/Nov/2026:05:12:01 +0000] \"GET /v2/info HTTP/1.1\" 200 512",
            "2026-11-21T05:12:01.123Z INFO  o.s.web.servlet.DispatcherServlet : Completed 200 OK",
            "Exit status 0",
            "WARN connection pool exhausted, waiting for a free connection (pool size 20)",
        };
        long total = 0;
        for (int i = 0; i < ENVELOPES; i++) {
            String app = new UUID(0x5EEDL * i, 0xF00DL * (i + 1)).toString();
            Envelope envelope = Envelope.newBuilder()
                    .setOrigin("rep")
                    .setEventType(EventType.LogMessage)
                    .setTimestamp(1_763_700_000_000_000_000L + i)
                    .setLogMessage(LogMessage.newBuilder()
                            .setMessage(ByteString.copyFromUtf8(lines[i % lines.length]))
                            .setMessageType(i % 5 == 0 ? LogMessage.MessageType.ERR : LogMessage.MessageType.OUT)
                            .setTimestamp(1_763_700_000_000_000_000L + i)
                            .setAppId(app)
                            .setSourceType("APP/PROC/WEB")
                            .setSourceInstance(Integer.toString(i % 4)))
                    .setDeployment("cf")
                    .setJob("diego-cell")
                    .setIndex("8c1b5d43-7c2e-4b5b-9a6e-2f0e5a1c3d4e")
                    .setIp("10.0.16.23")
                    .build();
            envelopes[i] = envelope.toByteArray();
            total += envelopes[i].length;
        }
        long average = total / ENVELOPES;
        if (average < 170 || average > 230) {
            throw new IllegalStateException("envelopes should be about 200 bytes, are " + average);
        }
    }

    private byte[] nextEnvelope() {
        byte[] envelope = envelopes[next];
        next = (next + 1) & (ENVELOPES - 1);
        return envelope;
    }

    @Benchmark
    public EnvelopeRouting.Routing routingRead() {
        return EnvelopeRouting.read(nextEnvelope());
    }

    /** For comparison: what routing would cost by building the Envelope. */
    @Benchmark
    public String envelopeParseFrom() throws InvalidProtocolBufferException {
        return Envelope.parseFrom(nextEnvelope()).getLogMessage().getAppId();
    }
}
