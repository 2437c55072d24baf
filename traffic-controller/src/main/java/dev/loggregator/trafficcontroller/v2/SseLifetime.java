package dev.loggregator.trafficcontroller.v2;

import dev.loggregator.trafficcontroller.stream.StreamClose;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The timed parts of an RLP gateway stream (modern-apis.md §3.2): {@code event: heartbeat} with the
 * Unix time after {@code heartbeat} without data, and after the stream lifetime
 * {@code event: closing} and the end of the response, after which clients reconnect. Every other
 * end of the stream (token expiry, slow consumer, shutdown) also says {@code closing} with its reason.
 * Sits between the HTTP codec and the stream, so it sees every event the stream writes.
 */
final class SseLifetime extends ChannelDuplexHandler {
    static final String TIMEOUT_REASON = "closing due to stream timeout";

    private final long heartbeatNanos;
    private final long lifetimeMillis;
    private long lastWriteNanos;
    private ScheduledFuture<?> heartbeat;
    private ScheduledFuture<?> lifetime;

    SseLifetime(long heartbeatMillis, long lifetimeMillis) {
        this.heartbeatNanos = TimeUnit.MILLISECONDS.toNanos(heartbeatMillis);
        this.lifetimeMillis = lifetimeMillis;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        lastWriteNanos = System.nanoTime();
        StreamClose.onClose(ctx.channel(), SseLifetime::closing);
        long checkMillis = Math.max(10, TimeUnit.NANOSECONDS.toMillis(heartbeatNanos) / 10);
        heartbeat = ctx.executor().scheduleAtFixedRate(() -> beat(ctx), checkMillis, checkMillis, TimeUnit.MILLISECONDS);
        lifetime = ctx.executor().schedule(() -> StreamClose.close(ctx.channel(), StreamClose.GOING_AWAY, TIMEOUT_REASON),
                lifetimeMillis, TimeUnit.MILLISECONDS);
    }

    private void beat(ChannelHandlerContext ctx) {
        long now = System.nanoTime();
        if (now - lastWriteNanos < heartbeatNanos || StreamClose.isClosing(ctx.channel())) {
            return;
        }
        String event = "event: heartbeat\ndata: " + System.currentTimeMillis() / 1000 + "\n\n";
        // Written from this handler's context, so write() below does not see it: the next heartbeat is
        // due a whole interval from this one, as the RLP gateway resets its timer after each.
        lastWriteNanos = now;
        ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(event, StandardCharsets.US_ASCII)));
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        lastWriteNanos = System.nanoTime();
        ctx.write(msg, promise);
    }

    /** The stream's last event and the end of the response. */
    private static ChannelFuture closing(Channel channel, int code, String reason) {
        String event = "event: closing\ndata: " + (reason.isEmpty() ? "closing" : reason.replace('\n', ' ')) + "\n\n";
        channel.write(new DefaultHttpContent(Unpooled.copiedBuffer(event, StandardCharsets.UTF_8)));
        return channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        heartbeat.cancel(false);
        lifetime.cancel(false);
        ctx.fireChannelInactive();
    }
}
