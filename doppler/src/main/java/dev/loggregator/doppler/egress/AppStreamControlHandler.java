package dev.loggregator.doppler.egress;

import dev.loggregator.doppler.logging.RateLimitedLog;
import dev.loggregator.doppler.metrics.RefusedConnectionReason;
import dev.loggregator.doppler.routing.Subscriptions;
import dev.loggregator.wire.multiplex.AppStreamMultiplex;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import java.util.ArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The subscription requests of a multiplexed app-stream link ({@code +<app>}, {@code -<app>}
 * text frames; docs/internal-protocol.md): follows and unfollows apps, and unfollows them all
 * when the link closes. A request that cannot be read closes the link with 1003 (it is counted).
 */
final class AppStreamControlHandler extends SimpleChannelInboundHandler<TextWebSocketFrame> {
    private static final Logger LOG = LoggerFactory.getLogger(AppStreamControlHandler.class);
    private static final RateLimitedLog BAD_REQUEST_LOG = new RateLimitedLog(LOG);

    private final Subscriber subscriber;
    private final EgressContext context;

    AppStreamControlHandler(Subscriber subscriber, EgressContext context) {
        this.subscriber = subscriber;
        this.context = context;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
        AppStreamMultiplex.Request request;
        try {
            request = AppStreamMultiplex.parse(frame.text());
        } catch (IllegalArgumentException e) {
            context.metrics().refusedConnections().increment(RefusedConnectionReason.BAD_REQUEST);
            BAD_REQUEST_LOG.warn("Closing app-stream link from {}: bad request: {}", ctx.channel().remoteAddress(), e.getMessage());
            ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.INVALID_MESSAGE_TYPE, e.getMessage()))
                    .addListener(f -> ctx.close());
            return;
        }
        Subscriptions subscriptions = context.subscriptions();
        if (request.subscribe()) {
            if (subscriber.follow(request.appId())) {
                subscriptions.addAppStream(request.appId(), subscriber);
            }
        } else if (subscriber.unfollow(request.appId())) {
            subscriptions.removeAppStream(request.appId(), subscriber);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        for (String app : new ArrayList<>(subscriber.followed())) {
            subscriber.unfollow(app);
            context.subscriptions().removeAppStream(app, subscriber);
        }
        super.channelInactive(ctx);
    }
}
