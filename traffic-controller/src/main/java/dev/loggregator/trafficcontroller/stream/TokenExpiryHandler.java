package dev.loggregator.trafficcontroller.stream;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** Closes a stream when the token that opened it expires (1008), so a revoked user cannot listen forever. */
public final class TokenExpiryHandler extends ChannelInboundHandlerAdapter {
    private final Instant expiresAt;
    private ScheduledFuture<?> expiry;

    public TokenExpiryHandler(Instant expiresAt) {
        this.expiresAt = expiresAt;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        long millis = Math.max(0, Duration.between(Instant.now(), expiresAt).toMillis());
        expiry = ctx.executor().schedule(() -> StreamClose.close(ctx.channel(), StreamClose.POLICY_VIOLATION,
                StreamClose.TOKEN_EXPIRED_REASON), millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        expiry.cancel(false);
        ctx.fireChannelInactive();
    }
}
