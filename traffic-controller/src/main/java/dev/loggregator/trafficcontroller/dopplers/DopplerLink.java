package dev.loggregator.trafficcontroller.dopplers;

import dev.loggregator.wire.framing.LinkSequence;
import dev.loggregator.wire.framing.MalformedBatchException;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket connection to one Doppler for one subscription, on the Traffic Controller's shared
 * link event loops (no thread of its own, so a firehose or v2 client costs a channel per Doppler, not
 * threads). Each binary frame, after its sequence number, goes to the subscription's {@link LinkFrames}
 * (a batch, docs/internal-protocol.md, split into envelopes and handed on unchanged); a frame that
 * cannot be read closes the link with 1007 (it is re-dialled).
 */
public final class DopplerLink {
    private static final Logger LOG = LoggerFactory.getLogger(DopplerLink.class);
    private static final int CONNECT_TIMEOUT_MILLIS = 5000;
    /** A Doppler frame is at most 1 MiB (its records plus the sequence number and tag). */
    private static final int MAX_FRAME_BYTES = 2 << 20;

    private final URI uri;
    private final Map<String, String> headers;
    private final DopplerSubscription subscription;
    private final DopplerSubscription.Slot slot;
    private final LinkFrames frames;
    private final boolean resumed;
    private volatile Channel channel;
    private volatile boolean open;
    private volatile boolean closedReported;
    private volatile long lastPongNanos = System.nanoTime();
    private volatile String incarnation;
    private volatile long lastSequence;
    private volatile int closeCode = 1006;
    private volatile String closeReason = "";

    DopplerLink(URI uri, Map<String, String> headers, DopplerSubscription subscription, DopplerSubscription.Slot slot,
                LinkFrames frames, boolean resumed) {
        this.uri = uri;
        this.headers = headers;
        this.subscription = subscription;
        this.slot = slot;
        this.frames = frames;
        this.resumed = resumed;
    }

    /** Dials the Doppler on {@code loops}; the link reports its opening and closing to its subscription. */
    void connect(EventLoopGroup loops) {
        HttpHeaders extra = new DefaultHttpHeaders();
        headers.forEach(extra::add);
        WebSocketClientHandshaker handshaker = WebSocketClientHandshakerFactory.newHandshaker(uri, WebSocketVersion.V13,
                null, false, extra, MAX_FRAME_BYTES);
        Bootstrap bootstrap = new Bootstrap()
                .group(loops)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(64 * 1024),
                                new LinkHandler(handshaker));
                    }
                });
        ChannelFuture connecting = bootstrap.connect(uri.getHost(), uri.getPort());
        channel = connecting.channel();
        connecting.addListener((ChannelFutureListener) done -> {
            if (!done.isSuccess()) {
                LOG.debug("Doppler link {}: {}", uri, String.valueOf(done.cause()));
                reportClosed();
            }
        });
    }

    /** The link's events, on its event loop. */
    private final class LinkHandler extends SimpleChannelInboundHandler<Object> {
        private final WebSocketClientHandshaker handshaker;

        LinkHandler(WebSocketClientHandshaker handshaker) {
            this.handshaker = handshaker;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            handshaker.handshake(ctx.channel());
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
            if (!handshaker.isHandshakeComplete()) {
                FullHttpResponse response = (FullHttpResponse) msg;
                try {
                    handshaker.finishHandshake(ctx.channel(), response);
                } catch (RuntimeException refused) {
                    LOG.debug("Doppler link {} refused: {}", uri, refused.getMessage());
                    closeCode = 1002;
                    closeReason = "handshake refused: " + response.status();
                    ctx.close();
                    return;
                }
                // Frames can be fragmented in principle: take them whole.
                ctx.pipeline().addBefore(ctx.name(), "aggregator", new WebSocketFrameAggregator(MAX_FRAME_BYTES));
                incarnation = response.headers().get(LinkSequence.INCARNATION_HEADER);
                lastPongNanos = System.nanoTime();
                open = true;
                subscription.linkOpened(slot, DopplerLink.this);
                return;
            }
            WebSocketFrame frame = (WebSocketFrame) msg;
            if (frame instanceof BinaryWebSocketFrame) {
                onFrame(frame);
            } else if (frame instanceof PongWebSocketFrame) {
                lastPongNanos = System.nanoTime();
            } else if (frame instanceof PingWebSocketFrame) {
                ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
            } else if (frame instanceof CloseWebSocketFrame close) {
                closeCode = close.statusCode();
                closeReason = close.reasonText();
                ctx.writeAndFlush(new CloseWebSocketFrame(close.statusCode(), "")).addListener(ChannelFutureListener.CLOSE);
            }
            // The internal protocol has no text frames for Traffic Controllers: ignored rather than dropping the link.
        }

        private void onFrame(WebSocketFrame frame) {
            ByteBuffer bytes = frame.content().nioBuffer();
            try {
                lastSequence = Math.max(lastSequence, LinkSequence.read(bytes));
                if (bytes.hasRemaining()) {
                    frames.frame(bytes);
                }
            } catch (MalformedBatchException | IllegalArgumentException e) {
                LOG.warn("malformed batch from Doppler {}: {}; closing the link", uri, e.getMessage());
                subscription.malformedBatch();
                close(1007, "malformed batch");
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            reportClosed();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("Doppler link {}: {}", uri, cause.toString());
            ctx.close();
        }
    }

    private void reportClosed() {
        if (closedReported) {
            return;
        }
        closedReported = true;
        open = false;
        subscription.linkClosed(slot, this, closeCode, closeReason);
    }

    public boolean isOpen() {
        return open && channel != null && channel.isActive();
    }

    /** Sends a text frame (the multiplexed link's follow requests); false when the link is not open. */
    public boolean send(String text) {
        Channel current = channel;
        if (!isOpen()) {
            return false;
        }
        current.writeAndFlush(new TextWebSocketFrame(text));
        return true;
    }

    void sendPing() {
        Channel current = channel;
        if (isOpen()) {
            current.writeAndFlush(new PingWebSocketFrame());
        }
    }

    /** Closes with 1000. */
    public void close() {
        close(1000, "");
    }

    public void close(int code, String reason) {
        Channel current = channel;
        if (current == null) {
            return;
        }
        closeCode = code;
        closeReason = reason;
        if (isOpen()) {
            current.writeAndFlush(new CloseWebSocketFrame(code, reason)).addListener(ChannelFutureListener.CLOSE);
        } else {
            current.close();
        }
    }

    /** Drops the connection without a close handshake (a link that stopped answering). */
    void closeConnection(int code, String reason) {
        closeCode = code;
        closeReason = reason;
        Channel current = channel;
        if (current != null) {
            current.close();
        }
    }

    URI uri() {
        return uri;
    }

    long lastPongNanos() {
        return lastPongNanos;
    }

    /** Whether this link re-dials an earlier one and asked the Doppler to replay what it missed. */
    public boolean resumed() {
        return resumed;
    }

    /**
     * What a re-dial of this link asks for: the Doppler's incarnation and the last sequence number read,
     * or null when the link never opened (the Doppler's incarnation is unknown).
     */
    String resumePoint() {
        String current = incarnation;
        return current == null || current.isEmpty() ? null : LinkSequence.resume(current, lastSequence);
    }
}
