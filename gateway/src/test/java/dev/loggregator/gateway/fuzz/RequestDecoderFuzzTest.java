package dev.loggregator.gateway.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.loggregator.gateway.http.GatewayRequestDecoder;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;

/**
 * The gateway's strict request decoder, fed arbitrary bytes in arbitrary pieces: it must only
 * ever produce HTTP objects (a refused request is one whose decoder result says why), never throw,
 * and a request it passes must carry a single Host and no ambiguous framing.
 */
class RequestDecoderFuzzTest {
    @FuzzTest(maxDuration = "5s")
    void anyBytesDecodeToRequestsOrRefusalsNeverToExceptions(FuzzedDataProvider data) {
        EmbeddedChannel channel = new EmbeddedChannel(new GatewayRequestDecoder(1024, 4096));
        try {
            while (data.remainingBytes() > 0) {
                byte[] piece = data.consumeBytes(data.consumeInt(1, 512));
                channel.writeInbound(Unpooled.wrappedBuffer(piece));
                for (Object message; (message = channel.readInbound()) != null; ) {
                    try {
                        assertTrue(message instanceof HttpObject, message.getClass().getName());
                        if (message instanceof HttpRequest request && request.decoderResult().isSuccess()) {
                            assertTrue(request.headers().getAll("Host").size() <= 1, "one Host at most");
                            assertTrue(!(request.headers().contains("Content-Length") && request.headers().contains("Transfer-Encoding")),
                                    "never both Content-Length and Transfer-Encoding");
                        }
                    } finally {
                        ReferenceCountUtil.release(message);
                    }
                }
                // The proxy resumes the decoder after each exchange; do the same to reach pipelined requests.
                channel.pipeline().fireUserEventTriggered("next");
                try {
                    GatewayRequestDecoder decoder = channel.pipeline().get(GatewayRequestDecoder.class);
                    decoder.resume(channel.pipeline().context(decoder));
                } catch (Exception e) {
                    throw new AssertionError("resume failed", e);
                }
            }
        } finally {
            channel.finishAndReleaseAll();
        }
    }
}
