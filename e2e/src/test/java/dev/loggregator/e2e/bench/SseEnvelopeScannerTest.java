package dev.loggregator.e2e.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.loggregator.e2e.ingress.V2Envelopes;
import dev.loggregator.wire.v2.json.EnvelopeJson;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Counter;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Log;
import org.junit.jupiter.api.Test;

/** The SSE counter against events laid out as the Traffic Controller writes them, cut into arbitrary pieces. */
class SseEnvelopeScannerTest {
    private static final String PREFIX = "bench-3f1c";
    private static final byte[] PAYLOAD = LoadGenerator.PAYLOAD.toByteArray();

    private static Envelope log(String app, long timestamp) {
        return V2Envelopes.log(app, "0", "APP/PROC/WEB", Log.Type.OUT, LoadGenerator.PAYLOAD, timestamp);
    }

    private static void event(ByteArrayOutputStream out, List<Envelope> envelopes) {
        out.writeBytes("data: {\"batch\":[".getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < envelopes.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.writeBytes(EnvelopeJson.encode(envelopes.get(i)));
        }
        out.writeBytes("]}\n\n".getBytes(StandardCharsets.US_ASCII));
    }

    private static void feedInPieces(SseEnvelopeScanner scanner, byte[] stream, Random random) {
        int at = 0;
        while (at < stream.length) {
            int n = Math.min(stream.length - at, 1 + random.nextInt(random.nextBoolean() ? 7 : 5000));
            scanner.feed(stream, at, n, 0);
            at += n;
        }
    }

    @Test
    void countsEveryBenchmarkEnvelopeAndEveryNoticeWhateverTheCuts() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<Envelope> batch = new ArrayList<>();
        long expected = 0;
        for (int event = 0; event < 40; event++) {
            batch.clear();
            for (int i = 0; i < 250; i++) {
                batch.add(log(PREFIX + "-" + (i % 12), 1_763_700_000_000_000_000L + event * 1000L + i));
                expected++;
            }
            batch.add(log("someone-else", 1_763_700_000_000_000_000L));
            event(out, batch);
            if (event % 10 == 3) {
                out.writeBytes("event: heartbeat\ndata: 1763700000\n\n".getBytes(StandardCharsets.US_ASCII));
                event(out, List.of(
                        V2Envelopes.log(PREFIX + "-1", "", "LGR", Log.Type.ERR, "Log message output is too high.", 1L).toBuilder()
                                .putTags("source_type", "LGR").build(),
                        Envelope.newBuilder().setSourceId("doppler").setCounter(Counter.newBuilder()
                                .setName("TruncatingBuffer.DroppedMessages").setDelta(5).setTotal(5)).build()));
            }
        }
        out.writeBytes("event: closing\ndata: closing due to stream timeout\n\n".getBytes(StandardCharsets.US_ASCII));
        byte[] stream = out.toByteArray();
        for (int seed = 0; seed < 5; seed++) {
            DeliveryCounter counter = new DeliveryCounter(PREFIX);
            SseEnvelopeScanner scanner = new SseEnvelopeScanner(counter, PREFIX, PAYLOAD);
            feedInPieces(scanner, stream, new Random(seed));
            assertEquals(expected, counter.delivered());
            assertEquals(8, counter.dropNotices());
            assertEquals(0, scanner.invalid(), scanner.verification());
            assertEquals(4, scanner.heartbeats());
            assertEquals("event: closing\ndata: closing due to stream timeout", scanner.closing());
            assertTrue(scanner.verification().startsWith(String.format("%,d envelopes matched", expected - 1)), scanner.verification());
        }
    }

    @Test
    void anEnvelopeThatDiffersFromWhatWasSentIsNotCounted() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        event(out, List.of(log(PREFIX + "-1", 1_763_700_000_000_000_001L), log(PREFIX + "-2", 1_763_700_000_000_000_002L),
                log(PREFIX + "-3", 1_763_700_000_000_000_003L).toBuilder().setLog(Log.newBuilder()
                        .setPayload(ByteString.copyFromUtf8("y".repeat(200)))).build(),
                log(PREFIX + "-4", 1_763_700_000_000_000_004L).toBuilder().putTags("extra", "tag").build()));
        byte[] stream = out.toByteArray();
        DeliveryCounter counter = new DeliveryCounter(PREFIX);
        SseEnvelopeScanner scanner = new SseEnvelopeScanner(counter, PREFIX, PAYLOAD);
        scanner.feed(stream, 0, stream.length, 0);
        assertEquals(2, counter.delivered());
        assertEquals(2, scanner.invalid(), scanner.verification());
    }

    @Test
    void aStreamThatIsNotServerSentEventsFails() {
        byte[] garbage = "data: {\"batch\":[{\"timestamp\":\"1\"}x".getBytes(StandardCharsets.US_ASCII);
        SseEnvelopeScanner scanner = new SseEnvelopeScanner(new DeliveryCounter(PREFIX), PREFIX, PAYLOAD);
        assertThrows(IllegalStateException.class, () -> scanner.feed(garbage, 0, garbage.length, 0));
    }
}
