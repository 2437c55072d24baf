package dev.loggregator.gateway.http;

import dev.loggregator.gateway.DrainDeadlineEvent;
import dev.loggregator.gateway.DrainEvent;
import dev.loggregator.gateway.GatewayContext;
import dev.loggregator.gateway.HandOffTurnEvent;
import dev.loggregator.gateway.proxyprotocol.ClientAddress;
import dev.loggregator.gateway.routing.HostNames;
import dev.loggregator.gateway.routing.Route;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of an HTTP listener: validates and routes each request, rewrites its headers
 * and hands it to a {@link ProxyExchange}; keeps the connection alive between requests and closes
 * it when told to drain.
 */
public final class HttpProxyHandler extends ChannelInboundHandlerAdapter {
    private static final Logger ACCESS = LoggerFactory.getLogger("dev.loggregator.gateway.access");

    private final GatewayContext gw;
    private final String scheme;
    private ChannelHandlerContext ctx;
    private ProxyExchange exchange;
    private boolean keepAlive = true;
    private boolean closeWhenIdle;
    private boolean inTunnel;
    /** A request has come on this connection (it is not one that was accepted a moment ago). */
    private boolean used;
    private long idleSinceNanos = System.nanoTime();
    private boolean answeredOne;
    private ScheduledFuture<?> idleCheck;

    public HttpProxyHandler(GatewayContext gw, String scheme) {
        this.gw = gw;
        this.scheme = scheme;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        scheduleDeadlineCheck(TimeUnit.MILLISECONDS.toNanos(gw.settings().timeouts().httpRequestMs()));
    }

    /**
     * HAProxy's {@code timeout http-request} and {@code http-keep-alive}: a new connection must
     * deliver a complete request head within {@code http_request_ms}; after an answer the
     * connection may wait {@code client_idle_ms} for the next request's first byte, which starts
     * {@code http_request_ms} again. A head not complete in time gets a 408 (slowloris), a
     * connection that sent nothing is closed. One timer per connection rather than an idle handler
     * that watches every read and write.
     */
    private void scheduleDeadlineCheck(long delayNanos) {
        if (idleCheck != null) {
            idleCheck.cancel(false);
        }
        idleCheck = ctx.executor().schedule(this::checkDeadline, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void checkDeadline() {
        if (exchange != null || inTunnel) {
            return; // exchangeFinished starts the clock again
        }
        long headStarted = ctx.pipeline().get(GatewayRequestDecoder.class).headStartedNanos();
        long httpRequest = TimeUnit.MILLISECONDS.toNanos(gw.settings().timeouts().httpRequestMs());
        long deadline = headStarted != 0 ? headStarted + httpRequest
                : idleSinceNanos + (answeredOne ? TimeUnit.MILLISECONDS.toNanos(gw.settings().timeouts().clientIdleMs()) : httpRequest);
        long left = deadline - System.nanoTime();
        if (left > 0) {
            scheduleDeadlineCheck(left);
            return;
        }
        if (headStarted != 0) {
            gw.metrics().badRequest("request_timeout");
            gw.metrics().request(HttpResponseStatus.REQUEST_TIMEOUT.code());
            ACCESS.info("request {} status=408 error=request_timeout (no complete request head within {} ms)",
                    ClientAddress.describe(ctx.channel()), gw.settings().timeouts().httpRequestMs());
            ctx.channel().config().setAutoRead(false);
            ctx.writeAndFlush(GatewayErrors.response(HttpMethod.GET, HttpResponseStatus.REQUEST_TIMEOUT, "request_timeout", true))
                    .addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.close();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            onRequest(request);
        }
        if (msg instanceof HttpContent content) {
            ProxyExchange current = exchange;
            if (current != null && !current.isDone()) {
                current.clientContent(content);
            } else {
                content.release();
            }
        } else if (!(msg instanceof HttpRequest)) {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onRequest(HttpRequest request) {
        used = true;
        DecoderResult result = request.decoderResult();
        if (result.isFailure()) {
            Throwable cause = result.cause();
            if (cause instanceof TooLongHttpHeaderException) {
                refuse(request, HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "header_too_large", cause);
            } else if (cause instanceof TooLongHttpLineException) {
                refuse(request, HttpResponseStatus.REQUEST_URI_TOO_LONG, "request_line_too_long", cause);
            } else {
                refuse(request, HttpResponseStatus.BAD_REQUEST, "bad_request", cause);
            }
            return;
        }
        RequestTarget absolute = RequestTarget.absolute(request.uri());
        String host = absolute != null ? absolute.host() : request.headers().get(HttpHeaderNames.HOST);
        String uri = absolute != null ? absolute.uri() : request.uri();
        if (host == null || host.isBlank()) {
            refuse(request, HttpResponseStatus.BAD_REQUEST, "empty_host", null);
            return;
        }
        Route route = gw.routes().lookup(host, HostNames.path(uri));
        if (route == null) {
            refuse(request, HttpResponseStatus.NOT_FOUND, "unknown_route", null);
            return;
        }
        boolean http10 = request.protocolVersion().equals(HttpVersion.HTTP_1_0);
        keepAlive = HttpUtil.isKeepAlive(request) && !gw.draining() && !closeWhenIdle;
        boolean upgrade = UpgradeRequests.isWebSocket(request.headers());

        DefaultHttpRequest forward = new DefaultHttpRequest(HttpVersion.HTTP_1_1, request.method(), uri);
        forward.headers().set(request.headers());
        if (absolute != null) {
            forward.headers().set(HttpHeaderNames.HOST, host);
        }
        boolean chunked = HttpUtil.isTransferEncodingChunked(request);
        HopByHopHeaders.strip(forward.headers());
        if (chunked) {
            forward.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        if (upgrade) {
            forward.headers().set(HttpHeaderNames.UPGRADE, request.headers().get(HttpHeaderNames.UPGRADE));
            forward.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        }
        InetSocketAddress client = ClientAddress.of(ctx.channel());
        // Behind a load balancer that sends PROXY headers, the port the client chose is the header's destination.
        int port = ClientAddress.destination(ctx.channel()).getPort();
        String requestId = ForwardedHeaders.apply(forward.headers(), client, scheme, port,
                gw.settings().requestIdHeader(), System.currentTimeMillis());
        exchange = new ProxyExchange(this, gw, ctx.channel(), forward, route, upgrade, http10, requestId,
                ClientAddress.describe(ctx.channel()));
        exchange.start();
    }

    /** Answers a request that is not proxied, then closes: whatever follows it cannot be trusted. */
    private void refuse(HttpRequest request, HttpResponseStatus status, String reason, Throwable cause) {
        gw.metrics().badRequest(reason);
        gw.metrics().request(status.code());
        ACCESS.info("request {} \"{} {} {}\" host={} status={} route=- backend=- error={}{}", ClientAddress.describe(ctx.channel()),
                request.method(), request.uri(), request.protocolVersion(), request.headers().get(HttpHeaderNames.HOST),
                status.code(), reason, cause == null ? "" : " (" + cause.getMessage() + ")");
        ctx.channel().config().setAutoRead(false);
        ctx.writeAndFlush(GatewayErrors.response(request.method(), status, reason, true)).addListener(ChannelFutureListener.CLOSE);
        keepAlive = false;
    }

    boolean keepAlive() {
        return keepAlive && !gw.draining() && !closeWhenIdle;
    }

    /** Lets the request body flow (the backend is connected and can take it) or holds it. */
    void readBody(boolean backendWritable) {
        ctx.channel().config().setAutoRead(backendWritable);
    }

    void pauseBody() {
        ctx.channel().config().setAutoRead(false);
    }

    void leaveForTunnel() {
        inTunnel = true;
        if (idleCheck != null) {
            idleCheck.cancel(false);
        }
        exchange = null;
    }

    /** The exchange is over: close, or decode the next request on this connection. */
    void exchangeFinished(boolean close) {
        exchange = null;
        idleSinceNanos = System.nanoTime();
        answeredOne = true;
        scheduleDeadlineCheck(TimeUnit.MILLISECONDS.toNanos(gw.settings().timeouts().clientIdleMs()));
        if (close || !keepAlive()) {
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.channel().config().setAutoRead(true);
        GatewayRequestDecoder decoder = ctx.pipeline().get(GatewayRequestDecoder.class);
        try {
            decoder.resume(ctx.pipeline().context(decoder));
        } catch (Exception e) {
            ctx.close();
            return;
        }
        if (exchange != null) {
            exchange.flushToBackend();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.flushToBackend();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.clientWritabilityChanged(ctx.channel().isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof GatewayRequestDecoder.RequestHeadStarted && exchange == null && !inTunnel) {
            // After an answer the pending check is the longer keep-alive one: bring it forward. On
            // a new connection the check due http_request_ms after the accept comes first and
            // moves itself to the head's own deadline (a timer less per connection).
            if (answeredOne) {
                scheduleDeadlineCheck(TimeUnit.MILLISECONDS.toNanos(gw.settings().timeouts().httpRequestMs()));
            }
            return;
        }
        if (evt instanceof ChannelInputShutdownEvent) {
            // The client sent everything it will send: finish the exchange in flight, then close.
            closeWhenIdle = true;
            if (exchange == null) {
                ctx.close();
            }
        } else if (evt instanceof DrainEvent) {
            // An idle keep-alive connection closes now. One accepted a moment ago gets its first
            // request answered (with Connection: close): its client dialled a gateway that was
            // still accepting (during a hand-over, both processes accept for a moment).
            closeWhenIdle = true;
            if (exchange == null && used) {
                ctx.close();
            }
        } else if (evt instanceof DrainDeadlineEvent) {
            ctx.close();
        } else if (evt instanceof HandOffTurnEvent && exchange != null && exchange.streamsEvents()) {
            // An event stream never ends on its own: its client reconnects to the new process.
            ctx.close();
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (idleCheck != null) {
            idleCheck.cancel(false);
        }
        if (exchange != null) {
            exchange.clientClosed();
            exchange = null;
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LoggerFactory.getLogger(HttpProxyHandler.class).debug("client connection error: {}", cause.toString());
        ctx.close();
    }
}
