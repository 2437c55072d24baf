package dev.loggregator.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.loggregator.wire.framing.MalformedBatchException;
import dev.loggregator.wire.multiplex.AppStreamMultiplex;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The multiplexed app-stream link: a Doppler reads requests ({@code +app}, {@code >app} on a resumed link, {@code -app}) from text
 * frames and a Traffic Controller reads app tags from binary frames. Anything is either read (and
 * means what it says) or refused with the codec's exceptions, never anything else.
 */
class MultiplexCodecFuzzTest {
    @FuzzTest(maxDuration = "5s")
    void requestsAndTagsAreReadExactlyOrRefused(FuzzedDataProvider data) {
        String text = data.consumeString(2000);
        try {
            AppStreamMultiplex.Request request = AppStreamMultiplex.parse(text);
            String again = !request.subscribe() ? AppStreamMultiplex.unsubscribe(request.appId())
                    : request.resume() ? AppStreamMultiplex.resume(request.appId())
                    : AppStreamMultiplex.subscribe(request.appId());
            assertEquals(text, again);
            assertTrue(request.appId().getBytes(StandardCharsets.UTF_8).length <= AppStreamMultiplex.MAX_APP_ID_BYTES);
        } catch (IllegalArgumentException refused) {
            // counted and refused by the Doppler, the link goes on
        }
        ByteBuffer frame = ByteBuffer.wrap(data.consumeRemainingAsBytes());
        try {
            String app = AppStreamMultiplex.readTag(frame);
            assertTrue(!app.isEmpty() && frame.remaining() >= 0);
        } catch (MalformedBatchException refused) {
            // the Traffic Controller closes that link with 1007
        }
    }
}
