package dev.loggregator.trafficcontroller.stream;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The client side of a stream's liveness (loggregator-v1-reference §2.4): a ping right after the
 * upgrade and then every {@code intervalMillis}; if a ping stays unanswered for {@code timeoutMillis}, the stream is
 * closed with 1008 and the original's reason text. Also answers the client's pings and close
 * frames, and discards the data frames clients send (the original read and ignored them).
 */
public final class KeepAliveHandler extends ChannelInboundHandlerAdapter {
    private final long intervalMillis;
    private final long timeoutMillis;
    private ScheduledFuture<?> pinger;
    /** When the oldest unanswered ping was sent; 0 when none is outstanding. */
    private long unansweredSince;

    public KeepAliveHandler(long intervalMillis, long timeoutMillis) {
        this.intervalMillis = intervalMillis;
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        // The first ping right away, as the original's keepalive does: a client that never answers
        // is cut after timeoutMillis, not an interval later.
        pinger = ctx.executor().scheduleAtFixedRate(() -> ping(ctx), 0, intervalMillis, TimeUnit.MILLISECONDS);
    }

    private void ping(ChannelHandlerContext ctx) {
        if (StreamClose.isClosing(ctx.channel())) {
            return;
        }
        if (unansweredSince == 0) {
            long sentAt = System.nanoTime();
            unansweredSince = sentAt;
            ctx.executor().schedule(() -> {
                if (unansweredSince == sentAt) {
                    StreamClose.close(ctx.channel(), StreamClose.POLICY_VIOLATION, StreamClose.KEEPALIVE_REASON);
                }
            }, timeoutMillis, TimeUnit.MILLISECONDS);
        }
        ctx.writeAndFlush(new PingWebSocketFrame(Unpooled.EMPTY_BUFFER));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof WebSocketFrame frame)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (frame instanceof PongWebSocketFrame) {
            unansweredSince = 0;
            frame.release();
        } else if (frame instanceof PingWebSocketFrame) {
            ctx.writeAndFlush(new PongWebSocketFrame(frame.content()));
        } else if (frame instanceof CloseWebSocketFrame close) {
            int code = close.statusCode() == -1 ? StreamClose.NORMAL : close.statusCode();
            close.release();
            // Netty's decoder refuses the other codes RFC 6455 §7.4 forbids, but lets 5000 and above through.
            if (code > StreamClose.LAST_CLOSE_CODE) {
                StreamClose.close(ctx.channel(), StreamClose.PROTOCOL_ERROR, "invalid close code " + code);
                return;
            }
            StreamClose.close(ctx.channel(), code, "");
        } else {
            ReferenceCountUtil.release(frame);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (pinger != null) {
            pinger.cancel(false);
        }
        ctx.fireChannelInactive();
    }
}
