package dev.loggregator.doppler.net;

import dev.loggregator.doppler.logging.RateLimitedLog;
import dev.loggregator.doppler.metrics.RefusedConnectionReason;
import dev.loggregator.doppler.metrics.DopplerMetrics;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a connection when the {@link io.netty.handler.timeout.IdleStateHandler} in front of it
 * reports that nothing was read for its timeout, and counts it: connections that never send
 * anything would otherwise hold a socket and a file descriptor forever.
 */
@ChannelHandler.Sharable
public final class IdleConnectionCloser extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(IdleConnectionCloser.class);

    private final DopplerMetrics metrics;
    private final RefusedConnectionReason reason;
    private final String listener;
    private final RateLimitedLog log = new RateLimitedLog(LOG);

    public IdleConnectionCloser(DopplerMetrics metrics, RefusedConnectionReason reason, String listener) {
        this.metrics = metrics;
        this.reason = reason;
        this.listener = listener;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof IdleStateEvent) {
            metrics.refusedConnections().increment(reason);
            log.warn("Closed {} connection from {}: nothing received within the idle timeout", listener, ctx.channel().remoteAddress());
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, event);
    }
}
