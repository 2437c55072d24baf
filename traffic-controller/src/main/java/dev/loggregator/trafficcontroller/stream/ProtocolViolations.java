package dev.loggregator.trafficcontroller.stream;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;

/**
 * Answers a client frame that breaks RFC 6455 with the close code the violation calls for, as
 * §7.1.7 asks: 1002 for a protocol error (a close code no endpoint may send, such as 999, 1005 or
 * 5000; a one-byte close payload), 1007 for text or a close reason that is not UTF-8. Netty's
 * decoder would send no close frame at all when the bad frame is itself a close, so it is told not
 * to close on violations and this stage does it for every kind.
 */
@ChannelHandler.Sharable
public final class ProtocolViolations extends ChannelInboundHandlerAdapter {
    public static final ProtocolViolations INSTANCE = new ProtocolViolations();

    private ProtocolViolations() {
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof CorruptedWebSocketFrameException violation) {
            StreamClose.close(ctx.channel(), violation.closeStatus().code(), violation.closeStatus().reasonText());
            return;
        }
        ctx.fireExceptionCaught(cause);
    }
}
