package dev.loggregator.trafficcontroller.connections;

import dev.loggregator.logging.BadInput;
import dev.loggregator.trafficcontroller.metrics.TrafficControllerMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HAProxy's {@code timeout http-request} and {@code timeout http-keep-alive} for the HTTP phase of a
 * client connection: a new connection must deliver a complete request within the request timeout;
 * after an answer, a kept-alive connection may wait up to the idle timeout for the next request's
 * first byte, which then starts the request timeout again. While a request is being answered no
 * timer runs. A connection that sent part of a request in time gets a 408, one that sent nothing
 * is just closed (counted either way). Sits at the head of the pipeline and leaves it when the
 * connection becomes a WebSocket stream (keepalive pings govern those).
 */
public final class RequestDeadline extends ChannelDuplexHandler {
    private static final Logger LOG = LoggerFactory.getLogger(RequestDeadline.class);

    private enum State { READING_REQUEST, ANSWERING, IDLE }

    private final long requestTimeoutNanos;
    private final long idleTimeoutNanos;
    private final TrafficControllerMetrics metrics;
    private ChannelHandlerContext ctx;
    private State state = State.READING_REQUEST;
    private boolean bytesOfRequest;
    private ScheduledFuture<?> timer;

    public RequestDeadline(long requestTimeoutMillis, long idleTimeoutMillis, TrafficControllerMetrics metrics) {
        this.requestTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(requestTimeoutMillis);
        this.idleTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(idleTimeoutMillis);
        this.metrics = metrics;
    }

    /** The deadline of the connection {@code ctx} belongs to (null once it is a stream). */
    public static RequestDeadline of(ChannelHandlerContext ctx) {
        return ctx.pipeline().get(RequestDeadline.class);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        arm(requestTimeoutNanos);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (state == State.IDLE && msg instanceof ByteBuf bytes && bytes.isReadable()) {
            state = State.READING_REQUEST;
            arm(requestTimeoutNanos);
        }
        if (msg instanceof ByteBuf bytes && bytes.isReadable()) {
            bytesOfRequest = true;
        }
        ctx.fireChannelRead(msg);
    }

    /** True between an answer (or the connection opening) and the next complete request. */
    public boolean awaitingRequest() {
        return state != State.ANSWERING;
    }

    /** A complete request reached the router: answering it takes what it takes. */
    public void requestReceived() {
        state = State.ANSWERING;
        bytesOfRequest = false;
        cancel();
    }

    /** The answer went out and the connection stays open for another request. */
    public void answered() {
        if (state == State.ANSWERING) {
            state = State.IDLE;
            arm(idleTimeoutNanos);
        }
    }

    private void arm(long nanos) {
        cancel();
        timer = ctx.executor().schedule(this::expired, nanos, TimeUnit.NANOSECONDS);
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void expired() {
        timer = null;
        if (state == State.ANSWERING || !ctx.channel().isActive()) {
            return;
        }
        if (state == State.READING_REQUEST && bytesOfRequest) {
            metrics.refused("request_timeout");
            LOG.info(BadInput.MARKER, "closing the connection of {}: no complete request within {} ms", ctx.channel().remoteAddress(),
                    TimeUnit.NANOSECONDS.toMillis(requestTimeoutNanos));
            FullHttpResponse timeout = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.REQUEST_TIMEOUT,
                    Unpooled.copiedBuffer("request not received in time\n", StandardCharsets.UTF_8));
            timeout.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
            timeout.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, timeout.content().readableBytes());
            timeout.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            // From the tail, through the HTTP encoder (and TLS): this stage sits before them.
            ctx.channel().writeAndFlush(timeout).addListener(ChannelFutureListener.CLOSE);
        } else {
            metrics.refused(state == State.IDLE ? "idle_timeout" : "request_timeout");
            ctx.close();
        }
    }
}
