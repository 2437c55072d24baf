package dev.loggregator.trafficcontroller.proxyprotocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.ProtocolDetectionResult;
import io.netty.handler.codec.ProtocolDetectionState;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import java.util.List;

/**
 * Accepts an optional PROXY protocol header (v1 text or v2 binary, as a gateway in TCP mode
 * sends it) at the start of a connection: when one is present, Netty's HAProxyMessageDecoder
 * takes it off and {@link ProxiedAddressHandler} records the real client; otherwise the bytes
 * are plain HTTP and pass through untouched. Either way this stage then leaves the pipeline.
 */
public final class ProxyProtocolDetector extends ByteToMessageDecoder {
    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        ProtocolDetectionResult<HAProxyProtocolVersion> result = HAProxyMessageDecoder.detectProtocol(in);
        if (result.state() == ProtocolDetectionState.NEEDS_MORE_DATA) {
            return;
        }
        if (result.state() == ProtocolDetectionState.DETECTED) {
            ctx.pipeline().addAfter(ctx.name(), "proxy-address", new ProxiedAddressHandler());
            ctx.pipeline().addAfter(ctx.name(), "proxy-decoder", new HAProxyMessageDecoder());
        }
        ctx.pipeline().remove(this);
    }
}
