package dev.loggregator.e2e.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import dev.loggregator.e2e.ingress.V2Envelopes;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Counter;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.EnvelopeBatch;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Log;
import org.junit.jupiter.api.Test;

class EnvelopeBatchScannerTest {
    private static final String PREFIX = "grpc-9a7e";

    private static Envelope log(String app, long timestamp) {
        return V2Envelopes.log(app, "0", "APP/PROC/WEB", Log.Type.OUT, LoadGenerator.PAYLOAD, timestamp);
    }

    @Test
    void countsTheBenchmarksEnvelopesAndNoticesAndRefusesOthers() {
        DeliveryCounter counter = new DeliveryCounter(PREFIX);
        EnvelopeBatchScanner scanner = new EnvelopeBatchScanner(counter, PREFIX, LoadGenerator.PAYLOAD.toByteArray());
        long sent = 0;
        for (int b = 0; b < 50; b++) {
            EnvelopeBatch.Builder batch = EnvelopeBatch.newBuilder();
            for (int i = 0; i < 200; i++) {
                batch.addBatch(log(PREFIX + "-" + (i % 150), 1_763_700_000_000_000_000L + b * 1000L + i));
                sent++;
            }
            batch.addBatch(log("another-app", 5));
            if (b == 10) {
                batch.addBatch(V2Envelopes.log(PREFIX + "-1", "", "LGR", Log.Type.ERR, "dropped", 6));
                batch.addBatch(Envelope.newBuilder().setCounter(Counter.newBuilder().setName("TruncatingBuffer.DroppedMessages")).build());
                batch.addBatch(log(PREFIX + "-2", 7).toBuilder().setLog(Log.newBuilder().setPayload(ByteString.copyFromUtf8("short"))).build());
                batch.addBatch(log(PREFIX + "-3", 8).toBuilder().setInstanceId("1").build());
            }
            scanner.batch(batch.build().toByteArray(), 0);
        }
        assertEquals(sent, counter.delivered());
        assertEquals(2, counter.dropNotices());
        assertEquals(2, scanner.invalid(), scanner.verification());
    }
}
