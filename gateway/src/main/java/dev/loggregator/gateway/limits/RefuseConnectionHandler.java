package dev.loggregator.gateway.limits;

import dev.loggregator.gateway.http.GatewayErrors;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;

/**
 * The whole pipeline of a connection over {@code limits.max_connections} or
 * {@code limits.max_connections_per_address}: a plain-HTTP client gets a 503 with
 * {@code X-Gateway-Error: connection_limit} (or {@code address_connection_limit}) and the
 * connection closes; TLS and TCP clients cannot be told anything cheaply and are just closed.
 */
public final class RefuseConnectionHandler extends ChannelInboundHandlerAdapter {
    private final boolean answerHttp;
    private final String reason;

    public RefuseConnectionHandler(boolean answerHttp, String reason) {
        this.answerHttp = answerHttp;
        this.reason = reason;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (answerHttp) {
            ctx.writeAndFlush(Unpooled.wrappedBuffer(GatewayErrors.raw(HttpResponseStatus.SERVICE_UNAVAILABLE, reason)))
                    .addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.close();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg);
    }
}
