package dev.loggregator.doppler.egress;

import dev.loggregator.doppler.logging.RateLimitedLog;
import dev.loggregator.doppler.metrics.RefusedConnectionReason;
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
    /** A re-dialled link: the sequence number after which it missed envelopes; -1 for a new link. */
    private final long resumeAfter;
    /** Once a follow went through the router, every change of this link must too, to stay in order. */
    private boolean viaRouter;
    private final java.util.Map<String, Runnable> removals = new java.util.HashMap<>();

    AppStreamControlHandler(Subscriber subscriber, EgressContext context, long resumeAfter) {
        this.subscriber = subscriber;
        this.context = context;
        this.resumeAfter = resumeAfter;
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
        String app = request.appId();
        if (request.subscribe()) {
            if (!subscriber.follow(app)) {
                return;
            }
            if (request.resume() && resumeAfter >= 0) {
                viaRouter = true;
                removals.put(app, context.router().resumeApp(app, subscriber, resumeAfter));
            } else if (viaRouter) {
                removals.put(app, context.router().resumeApp(app, subscriber, Long.MAX_VALUE));
            } else {
                context.subscriptions().addAppStream(app, subscriber);
            }
        } else if (subscriber.unfollow(app)) {
            remove(app);
        }
    }

    private void remove(String app) {
        Runnable removal = removals.remove(app);
        if (removal != null) {
            removal.run();
        } else {
            context.subscriptions().removeAppStream(app, subscriber);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        for (String app : new ArrayList<>(subscriber.followed())) {
            subscriber.unfollow(app);
            remove(app);
        }
        super.channelInactive(ctx);
    }
}
