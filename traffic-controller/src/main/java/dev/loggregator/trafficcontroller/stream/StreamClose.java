package dev.loggregator.trafficcontroller.stream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.util.AttributeKey;
import java.util.concurrent.TimeUnit;

/**
 * Ends a client stream once, with one close frame: whichever reason comes first (keepalive,
 * slow consumer, token expiry, shutdown) wins. The TCP connection is closed when the frame is
 * written, or after a grace period if the client is not reading (a slow consumer's socket is full).
 * A stream that is not a WebSocket (Server-Sent Events) registers its own way of saying goodbye
 * ({@link #onClose}); the code and reason are handed to it.
 */
public final class StreamClose {
    public static final int NORMAL = 1000;
    public static final int GOING_AWAY = 1001;
    public static final int PROTOCOL_ERROR = 1002;
    /** RFC 6455 §7.4.2: codes above 4999 are not defined; an endpoint must not send them. */
    public static final int LAST_CLOSE_CODE = 4999;
    public static final int POLICY_VIOLATION = 1008;
    public static final String KEEPALIVE_REASON = "Client did not respond to ping before keep-alive timeout expired.";
    public static final String TOKEN_EXPIRED_REASON = "Authorization token expired; reconnect with a new token.";

    private static final AttributeKey<Boolean> CLOSING = AttributeKey.valueOf("loggregator.closing");
    private static final AttributeKey<Goodbye> GOODBYE = AttributeKey.valueOf("loggregator.goodbye");

    /** Writes a stream's last words (its close frame or closing event) and returns when they are written. */
    public interface Goodbye {
        io.netty.channel.ChannelFuture write(Channel channel, int code, String reason);
    }
    private static final long GRACE_SECONDS = 2;

    private StreamClose() {
    }

    /** Safe from any thread. */
    public static void close(Channel channel, int code, String reason) {
        if (channel.eventLoop().inEventLoop()) {
            closeNow(channel, code, reason);
        } else {
            channel.eventLoop().execute(() -> closeNow(channel, code, reason));
        }
    }

    /** Replaces the WebSocket close frame with {@code goodbye} for this channel's stream. */
    public static void onClose(Channel channel, Goodbye goodbye) {
        channel.attr(GOODBYE).set(goodbye);
    }

    public static boolean isClosing(Channel channel) {
        return channel.hasAttr(CLOSING);
    }

    private static void closeNow(Channel channel, int code, String reason) {
        if (channel.attr(CLOSING).setIfAbsent(Boolean.TRUE) != null || !channel.isActive()) {
            return;
        }
        Goodbye goodbye = channel.attr(GOODBYE).get();
        (goodbye != null ? goodbye.write(channel, code, reason)
                : channel.writeAndFlush(new CloseWebSocketFrame(code, reason))).addListener(ChannelFutureListener.CLOSE);
        channel.eventLoop().schedule(() -> {
            channel.close();
        }, GRACE_SECONDS, TimeUnit.SECONDS);
    }
}
