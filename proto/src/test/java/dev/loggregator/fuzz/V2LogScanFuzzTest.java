package dev.loggregator.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.loggregator.wire.routing.V2LogScan;
import dev.loggregator.wire.transcode.V2LogToV1Bytes;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;

/**
 * The v2 log scan replaces protobuf-java's parse for most of what a Doppler receives. Any bytes it
 * accepts must parse, as a plain log, and give the same v1 bytes and routing fields as the parse.
 */
class V2LogScanFuzzTest {
    /** Reused from input to input, as a drain's formatter reuses it: what it remembers must never show. */
    private static final V2LogScan REMEMBERING = V2LogScan.rememberingTags();

    @FuzzTest(maxDuration = "5s")
    void acceptsOnlyWhatParsesToTheSameLog(byte[] bytes) throws InvalidProtocolBufferException {
        V2LogScan scan = V2LogScan.read(bytes, 0, bytes.length);
        if (scan == null) {
            return;
        }
        Envelope parsed = Envelope.parseFrom(bytes);
        V2LogToV1Bytes.Result fromParse = V2LogToV1Bytes.transcode(parsed);
        assertNotNull(fromParse);
        assertArrayEquals(fromParse.envelope(), scan.v1());
        assertEquals(parsed.getSourceId(), scan.sourceId());
        assertEquals(parsed.getTimestamp(), scan.timestamp());
        assertEquals(parsed.getTagsCount(), scan.tagCount());
    }

    @FuzzTest(maxDuration = "5s")
    void aScanRememberingTagsReadsWhatAFreshOneReads(byte[] bytes) {
        V2LogScan fresh = V2LogScan.read(bytes, 0, bytes.length);
        for (int time = 0; time < 2; time++) { // the second time from the tags it remembered, if it did
            boolean scanned = REMEMBERING.scan(bytes, 0, bytes.length);
            assertEquals(fresh != null, scanned);
            if (!scanned) {
                continue;
            }
            assertArrayEquals(fresh.v1(), REMEMBERING.v1());
            assertEquals(fresh.tagCount(), REMEMBERING.tagCount());
            for (int tag = 0; tag < fresh.tagCount(); tag++) {
                assertEquals(fresh.tagKeyOffset(tag), REMEMBERING.tagKeyOffset(tag));
                assertEquals(fresh.tagKeyLength(tag), REMEMBERING.tagKeyLength(tag));
                assertEquals(fresh.tagValueOffset(tag), REMEMBERING.tagValueOffset(tag));
                assertEquals(fresh.tagValueLength(tag), REMEMBERING.tagValueLength(tag));
            }
        }
    }
}
