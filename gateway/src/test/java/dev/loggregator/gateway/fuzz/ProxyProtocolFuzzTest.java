package dev.loggregator.gateway.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.loggregator.gateway.proxyprotocol.ClientAddress;
import dev.loggregator.gateway.proxyprotocol.ProxyProtocolHandler;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;

/**
 * A PROXY-protocol listener's first bytes (v1 text, v2 binary, or anything): they either yield a
 * client address or close the connection; no exception leaves the pipeline, whatever they hold.
 */
class ProxyProtocolFuzzTest {
    @FuzzTest(maxDuration = "5s")
    void anyHeaderGivesAnAddressOrClosesTheConnection(byte[] bytes) {
        EmbeddedChannel channel = new EmbeddedChannel(new HAProxyMessageDecoder(), new ProxyProtocolHandler(60_000));
        try {
            channel.writeInbound(Unpooled.wrappedBuffer(bytes));
            channel.checkException();
            if (channel.isActive() && channel.pipeline().get(ProxyProtocolHandler.class) == null) {
                InetSocketAddress client = ClientAddress.of(channel);
                assertTrue(client == null || client.getPort() >= 0);
            }
            for (Object message; (message = channel.readInbound()) != null; ) {
                ReferenceCountUtil.release(message);
            }
        } finally {
            channel.finishAndReleaseAll();
        }
    }
}
