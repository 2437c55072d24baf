package dev.loggregator.doppler.egress;

import dev.loggregator.doppler.logging.RateLimitedLog;
import dev.loggregator.doppler.metrics.RefusedConnectionReason;
import dev.loggregator.doppler.routing.Subscriptions;
import dev.loggregator.wire.multiplex.AppStreamMultiplex;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.util.ArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The subscription requests of a multiplexed app-stream link ({@code +<app>}, {@code -<app>}
 * text frames; docs/internal-protocol.md): follows and unfollows apps, and unfollows them all
 * when the link closes. A request that cannot be read is refused alone (counted and logged); the
 * link and its other apps go on.
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
            // Only this request is refused: the link carries every other app stream of its Traffic
            // Controller, and closing it for one bad id would stop them all (the TC would re-dial
            // and send the same id again).
            context.metrics().refusedConnections().increment(RefusedConnectionReason.BAD_REQUEST);
            BAD_REQUEST_LOG.warn("Refused a request on the app-stream link from {}: {}", ctx.channel().remoteAddress(), e.getMessage());
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
