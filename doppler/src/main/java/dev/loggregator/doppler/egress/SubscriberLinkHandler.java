package dev.loggregator.doppler.egress;

import dev.loggregator.wire.framing.LinkSequence;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;

/**
 * The WebSocket side of a subscription once the handshake is done: answers pings, honours a
 * close, retires the link when its Traffic Controller asks ({@link LinkSequence#RETIRE_FRAME}),
 * ignores other data frames (subscribers have nothing else to say), resumes the drain when the
 * connection becomes writable again.
 */
final class SubscriberLinkHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
    private final Subscriber subscriber;
    private final WebSocketServerHandshaker handshaker;
    private final Runnable retire;

    /** {@code retire}: takes the link out of its routing and lets it close once written (Subscriber#retire). */
    SubscriberLinkHandler(Subscriber subscriber, WebSocketServerHandshaker handshaker, Runnable retire) {
        this.subscriber = subscriber;
        this.handshaker = handshaker;
        this.retire = retire;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (frame instanceof PingWebSocketFrame) {
            ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
        } else if (frame instanceof CloseWebSocketFrame) {
            if (subscriber.closeSent()) {
                ctx.close(); // the answer to our Close: the closing handshake is done
            } else {
                handshaker.close(ctx.channel(), (CloseWebSocketFrame) frame.retain());
            }
        } else if (frame instanceof TextWebSocketFrame text && text.text().equals(LinkSequence.RETIRE_FRAME)) {
            retire.run();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (ctx.channel().isWritable()) {
            subscriber.scheduleDrain();
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A broken link (reset, bad frame from the peer) just ends this subscription.
        ctx.close();
    }
}
