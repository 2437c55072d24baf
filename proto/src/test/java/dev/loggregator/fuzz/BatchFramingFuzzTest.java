package dev.loggregator.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.loggregator.wire.framing.EnvelopeBatch;
import dev.loggregator.wire.framing.FrameTooLargeException;
import dev.loggregator.wire.framing.LengthPrefix;
import dev.loggregator.wire.framing.MalformedBatchException;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.List;

/**
 * Length-prefix framing, as the v1 TCP ingress reads a stream and the internal link a batch: any
 * bytes are either split into records that re-encode to exactly those bytes, or refused with the
 * framing's own exceptions; never a larger allocation than the limit allows, never anything else.
 */
class BatchFramingFuzzTest {
    @FuzzTest(maxDuration = "5s")
    void batchesAndStreamsAreSplitExactlyOrRefused(FuzzedDataProvider data) throws IOException {
        int max = data.consumeInt(0, 70_000);
        byte[] bytes = data.consumeRemainingAsBytes();
        try {
            List<byte[]> records = EnvelopeBatch.decode(bytes, max);
            assertArrayEquals(bytes, EnvelopeBatch.encode(records), "a batch is its records, nothing more");
            assertTrue(records.stream().allMatch(r -> r.length <= max));
        } catch (MalformedBatchException refused) {
            // refused as documented
        }
        ByteArrayInputStream stream = new ByteArrayInputStream(bytes);
        try {
            for (byte[] frame; (frame = LengthPrefix.read(stream, max)) != null; ) {
                assertTrue(frame.length <= max);
            }
        } catch (EOFException | FrameTooLargeException refused) {
            // a truncated or oversized frame ends the stream, as documented
        }
    }
}
