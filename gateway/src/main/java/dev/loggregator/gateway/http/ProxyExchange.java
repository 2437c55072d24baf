package dev.loggregator.gateway.http;

import dev.loggregator.gateway.GatewayContext;
import dev.loggregator.gateway.routing.Backend;
import dev.loggregator.gateway.routing.Route;
import dev.loggregator.gateway.tunnel.Tunnel;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request and its response (or its tunnel), including the backend attempts.
 *
 * <p>Retry rules (gorouter's, made stricter about bodies): another backend is tried only when no
 * byte of the request reached a backend (connect refused or timed out, write failed), or when the
 * connection broke before any response byte and the request is idempotent and has no body. A body
 * already sent is never replayed, so a POST with a body is never delivered twice. At most
 * {@code min(limits.max_attempts, backends)} attempts; WebSocket handshakes follow the same rules.
 * A connect failure, connect timeout, or a connection reset or closed before the request was
 * written marks the backend dead for {@code dead_backend_ttl_ms}; a reset or close after the
 * request was written does not (the request's content may have caused it), it only counts.
 */
final class ProxyExchange {
    private static final String EVENT_STREAM = "text/event-stream";
    private static final Logger ACCESS = LoggerFactory.getLogger("dev.loggregator.gateway.access");
    private static final Logger LOG = LoggerFactory.getLogger(ProxyExchange.class);

    private final HttpProxyHandler frontend;
    private final GatewayContext gw;
    private final Channel client;
    private final HttpRequest request;
    private final Route route;
    private final boolean upgrade;
    private final boolean idempotent;
    /** The head announces a body (Content-Length above 0, or chunked). */
    private final boolean bodyFollows;
    private final boolean clientHttp10;
    private final String requestId;
    private final String clientDescription;
    private final long startNanos = System.nanoTime();
    private final int maxAttempts;
    private final ArrayDeque<HttpContent> pending = new ArrayDeque<>();
    private final Set<Backend> tried = new HashSet<>();

    private int attempts;
    private boolean requestComplete;
    private boolean requestHasBody;
    private boolean bytesSent;
    private boolean attached;
    private Backend backend;
    private Channel backendChannel;
    private boolean pooled;
    private boolean staleRetried;
    private boolean informational;
    private boolean responseStarted;
    private boolean eventStream;
    private boolean backendKeepAlive;
    private boolean closeClient;
    private boolean done;
    private long responseHeadNanos;
    private ScheduledFuture<?> headerTimeout;
    private int failStatus = 502;
    private String failReason = "no_backend";
    private int status;
    private long bytesIn;
    private long bytesOut;
    private String error = "-";

    ProxyExchange(HttpProxyHandler frontend, GatewayContext gw, Channel client, HttpRequest request, Route route,
            boolean upgrade, boolean clientHttp10, String requestId, String clientDescription) {
        this.frontend = frontend;
        this.gw = gw;
        this.client = client;
        this.request = request;
        this.route = route;
        this.upgrade = upgrade;
        this.clientHttp10 = clientHttp10;
        this.requestId = requestId;
        this.clientDescription = clientDescription;
        this.idempotent = isIdempotent(request);
        String length = request.headers().get(HttpHeaderNames.CONTENT_LENGTH);
        this.bodyFollows = HttpUtil.isTransferEncodingChunked(request) || (length != null && !length.equals("0"));
        this.maxAttempts = Math.min(gw.settings().limits().maxAttempts(), route.pool().size());
    }

    /**
     * Go's notion, which gorouter's retries follow: the safe methods, or a client that says so with
     * an idempotency key. PUT and DELETE are idempotent by the RFC, but whether a backend implements
     * them so is not known here, so they are not resent (nor put on a pooled connection).
     */
    private static boolean isIdempotent(HttpRequest request) {
        HttpMethod method = request.method();
        return method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD) || method.equals(HttpMethod.OPTIONS)
                || method.equals(HttpMethod.TRACE)
                || request.headers().contains("Idempotency-Key") || request.headers().contains("X-Idempotency-Key");
    }

    void start() {
        attempt();
    }

    boolean isDone() {
        return done;
    }

    // ---- backend attempts -------------------------------------------------------------------

    private void attempt() {
        Backend next = attempts < maxAttempts ? route.pool().select(tried) : null;
        if (next == null) {
            fail(failStatus, failReason);
            return;
        }
        if (attempts > 0) {
            gw.metrics().retry();
        }
        tried.add(next);
        attempts++;
        backend = next;
        backend.connectionOpened();
        // A pooled connection may be closed by the backend just as a request is sent (the
        // keep-alive race); that is only safe to retry for idempotent requests (WebSocket
        // handshakes are GETs), so others dial.
        Channel idle = idempotent ? gw.pool().acquire(next) : null;
        if (idle != null) {
            pooled = true;
            attach(idle);
            return;
        }
        pooled = false;
        if (!requestComplete && bodyFollows) {
            // A body waits for the connection rather than piling up here. A body-less request
            // (a WebSocket handshake) has nothing to hold back: switching reads off and on again
            // would cost two epoll_ctl calls, and bytes behind it stop the decoder anyway.
            frontend.pauseBody();
        }
        ChannelFuture connect = HttpBackendDialer.dial(gw, client.eventLoop(), next);
        backendChannel = connect.channel();
        connect.addListener(f -> {
            if (done) {
                connect.channel().close();
                return;
            }
            if (f.isSuccess()) {
                attach(connect.channel());
            } else {
                connectFailed(next, f.cause());
            }
        });
    }

    private void connectFailed(Backend failed, Throwable cause) {
        failed.connectionClosed();
        attached = false;
        backend = null;
        backendChannel = null;
        boolean timeout = cause instanceof ConnectTimeoutException;
        String reason = timeout ? "backend_connect_timeout" : "backend_connect_failed";
        failStatus = timeout ? 504 : 502;
        failReason = reason;
        failed.markDead(gw.deadBackendTtlNanos());
        gw.metrics().backendFailure(failed.address(), reason);
        LOG.debug("{} to {}: {}", reason, failed, cause.toString());
        attempt();
    }

    private void attach(Channel channel) {
        backendChannel = channel;
        attached = true;
        channel.pipeline().get(BackendHandler.class).bind(this);
        channel.config().setAutoRead(true);
        ChannelFuture written = channel.write(request);
        for (HttpContent content : pending) {
            written = channel.write(content.retainedDuplicate());
        }
        if (requestComplete && pending.isEmpty()) {
            // A replayed body-less request: its (empty) end was released with the first attempt.
            written = channel.write(LastHttpContent.EMPTY_LAST_CONTENT);
        }
        channel.flush();
        written.addListener(f -> {
            if (f.isSuccess() && backendChannel == channel) {
                bytesSent = true;
                releasePending();
            }
        });
        armHeaderTimeout();
        if (!requestComplete) {
            frontend.readBody(channel.isWritable());
        }
    }

    private void releasePending() {
        HttpContent content;
        while ((content = pending.poll()) != null) {
            content.release();
        }
    }

    // ---- request body from the client -------------------------------------------------------

    void clientContent(HttpContent content) {
        if (done) {
            content.release();
            return;
        }
        if (content.decoderResult().isFailure()) {
            content.release();
            gw.metrics().badRequest("bad_body");
            error = "bad request body: " + content.decoderResult().cause().getMessage();
            closeBackend();
            fail(400, "bad_request_body");
            return;
        }
        bytesIn += content.content().readableBytes();
        if (content.content().isReadable()) {
            requestHasBody = true;
        }
        if (content instanceof LastHttpContent) {
            requestComplete = true;
        }
        if (!attached || !bytesSent) {
            // Connecting, or the head's write has not completed: keep a copy for a possible retry.
            pending.add(content);
            if (attached) {
                backendChannel.write(content.retainedDuplicate());
            }
            return;
        }
        backendChannel.write(content);
        if (!backendChannel.isWritable()) {
            frontend.pauseBody();
        }
    }

    void flushToBackend() {
        if (backendChannel != null && !done) {
            backendChannel.flush();
        }
    }

    void backendWritabilityChanged(boolean writable) {
        if (writable && !requestComplete && !done) {
            frontend.readBody(true);
        }
    }

    // ---- response from the backend ----------------------------------------------------------

    void backendRead(Object msg) {
        if (done) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (!(msg instanceof HttpObject)) {
            ReferenceCountUtil.release(msg);
            error = "backend sent bytes after a 101 to a request that did not ask to upgrade";
            backendFailed(null);
            return;
        }
        if (msg instanceof HttpResponse response) {
            responseHead(response);
        }
        if (msg instanceof HttpContent content && !done) {
            responseContent(content);
        } else if (msg instanceof HttpContent content) {
            content.release();
        }
    }

    private void responseHead(HttpResponse response) {
        cancelHeaderTimeout();
        int code = response.status().code();
        if (response.decoderResult().isFailure()) {
            error = "invalid response: " + response.decoderResult().cause().getMessage();
            closeBackend();
            fail(502, "invalid_backend_response");
            return;
        }
        if (upgrade && code == 101) {
            openTunnel(response);
            return;
        }
        if (code == 101) {
            // A protocol switch nobody asked for: what follows is no HTTP the client could read.
            error = "101 to a request that asked for no upgrade";
            closeBackend();
            fail(502, "invalid_backend_response");
            return;
        }
        if (code >= 100 && code < 200) {
            // 100 Continue and other interim answers go through, except to HTTP/1.0 clients, which
            // must get none (RFC 9110 §15.2); the final response follows, and the backend gets the
            // response-head time again for it.
            informational = true;
            if (!clientHttp10) {
                HopByHopHeaders.strip(response.headers());
                client.write(response);
            }
            armHeaderTimeout();
            return;
        }
        informational = false;
        responseStarted = true;
        responseHeadNanos = System.nanoTime();
        status = code;
        if (upgrade) {
            gw.metrics().upgradeRefused();
        }
        backendKeepAlive = HttpUtil.isKeepAlive(response);
        HttpHeaders headers = response.headers();
        String type = headers.get(HttpHeaderNames.CONTENT_TYPE);
        eventStream = type != null && type.regionMatches(true, 0, EVENT_STREAM, 0, EVENT_STREAM.length());
        boolean chunked = HttpUtil.isTransferEncodingChunked(response);
        boolean bodyAllowed = !request.method().equals(HttpMethod.HEAD) && code != 204 && code != 304;
        HopByHopHeaders.strip(headers);
        if (bodyAllowed && (chunked || !headers.contains(HttpHeaderNames.CONTENT_LENGTH))) {
            if (clientHttp10) {
                closeClient = true; // an HTTP/1.0 client only understands a body ended by close
            } else {
                headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            }
        }
        if (!requestComplete || !frontend.keepAlive()) {
            closeClient = true;
        }
        if (closeClient) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (clientHttp10) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        response.setProtocolVersion(HttpVersion.HTTP_1_1);
        client.write(response);
    }

    private void responseContent(HttpContent content) {
        if (content.decoderResult().isFailure()) {
            invalidResponseBody(content);
            return;
        }
        boolean last = content instanceof LastHttpContent;
        if (informational) {
            if (clientHttp10) {
                content.release();
            } else {
                client.write(content);
            }
            if (last) {
                informational = false;
                client.flush();
            }
            return;
        }
        bytesOut += content.content().readableBytes();
        client.write(content);
        if (last) {
            responseComplete();
        } else if (!client.isWritable()) {
            backendChannel.config().setAutoRead(false);
        }
    }

    /**
     * A body the backend framed wrongly (a bad chunk size, say) is not relayed as complete, and the
     * connection is not pooled: its framing can no longer be trusted. What arrived intact still goes
     * out, then the client connection closes without the body's end, so the client sees the truncation.
     */
    private void invalidResponseBody(HttpContent content) {
        error = "invalid response body: " + content.decoderResult().cause().getMessage();
        content.release();
        gw.metrics().backendFailure(backend.address(), "invalid_response_body");
        closeBackend();
        done = true;
        finish();
        frontend.exchangeFinished(true);
    }

    void backendReadComplete() {
        if (!done) {
            client.flush();
        }
    }

    void clientWritabilityChanged(boolean writable) {
        if (writable && backendChannel != null && !done) {
            backendChannel.config().setAutoRead(true);
        }
    }

    private void responseComplete() {
        done = true;
        Channel channel = backendChannel;
        BackendHandler handler = channel.pipeline().get(BackendHandler.class);
        handler.unbind();
        backend.connectionClosed();
        if (backendKeepAlive && requestComplete && channel.isActive()) {
            // Reading may have been paused for a slow client in the same read as the body's end:
            // an idle connection must read, or it never notices the backend closing it.
            channel.config().setAutoRead(true);
            gw.pool().release(backend, channel);
        } else {
            channel.close();
        }
        client.flush();
        topUpSpares();
        finish();
        frontend.exchangeFinished(closeClient);
    }

    /**
     * Spares for the backend that just answered, dialled once the answer is on its way to the
     * client: off the exchange's own path (the backend would otherwise accept the spare while it
     * should be answering), and never for a backend that failed.
     */
    private void topUpSpares() {
        gw.preconnector().topUp(backend, client.eventLoop());
    }

    // ---- tunnel -----------------------------------------------------------------------------

    private void openTunnel(HttpResponse response) {
        done = true;
        status = 101;
        responseHeadNanos = System.nanoTime();
        Channel channel = backendChannel;
        gw.metrics().upgraded();
        gw.metrics().request(101);
        // The backend's 101 goes on itself, its connection headers replaced (no copy of it).
        String upgradeTo = response.headers().get(HttpHeaderNames.UPGRADE);
        HopByHopHeaders.strip(response.headers());
        if (upgradeTo != null) {
            response.headers().set(HttpHeaderNames.UPGRADE, upgradeTo);
        }
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        response.setProtocolVersion(HttpVersion.HTTP_1_1);
        client.writeAndFlush(response);
        topUpSpares();
        Tunnel tunnel = Tunnel.install(client, channel, backend,
                gw.metrics(), clientDescription + " \"" + request.method() + " " + request.uri() + "\" host="
                        + request.headers().get(HttpHeaderNames.HOST) + " route=" + route.name() + " request_id=" + requestId
                        + " handshake_ms=" + TimeUnit.NANOSECONDS.toMillis(responseHeadNanos - startNanos),
                gw.settings().timeouts(), "websocket".equalsIgnoreCase(upgradeTo));
        // Order matters so bytes buffered behind the handshake on either side reach the other side
        // raw: the client's HTTP stages but its decoder, then the backend's (its decoder hands over
        // what followed the 101), then the client's decoder (what the client sent after its request).
        frontend.leaveForTunnel();
        Tunnel.removeAllBefore(client.pipeline(), HttpPipeline.KEEP_IN_TUNNEL_WITH_DECODER);
        Tunnel.removeAllBefore(channel.pipeline(), Set.of());
        Tunnel.removeAllBefore(client.pipeline(), HttpPipeline.KEEP_IN_TUNNEL);
        tunnel.start();
    }

    // ---- failures ---------------------------------------------------------------------------

    void backendFailed(Throwable cause) {
        if (done) {
            return;
        }
        cancelHeaderTimeout();
        Channel channel = backendChannel;
        Backend failed = backend;
        backendChannel = null;
        backend = null;
        attached = false;
        if (channel != null) {
            BackendHandler handler = channel.pipeline().get(BackendHandler.class);
            if (handler != null) {
                handler.unbind();
            }
            channel.close();
        }
        if (failed == null) {
            return;
        }
        failed.connectionClosed();
        if (responseStarted || informational) {
            error = "backend closed mid-response" + (cause == null ? "" : ": " + cause.getMessage());
            gw.metrics().backendFailure(failed.address(), "closed_mid_response");
            done = true;
            client.close();
            finish();
            frontend.exchangeFinished(true);
            return;
        }
        boolean reset = cause instanceof IOException;
        String reason = reset ? "backend_reset" : (cause != null ? "backend_error" : "backend_closed");
        gw.metrics().backendFailure(failed.address(), reason);
        error = reason + (cause == null ? "" : ": " + cause.getMessage());
        if (pooled && cause == null && !staleRetried) {
            // A stale keep-alive connection: not the backend's fault and not an attempt (once:
            // spares refilled by preconnect must not let a backend that drops every request loop).
            staleRetried = true;
            tried.remove(failed);
            attempts--;
        } else if (!bytesSent) {
            // The request never reached it: the failure is the backend's own.
            failed.markDead(gw.deadBackendTtlNanos());
        }
        // Once the request was written, a reset or close may be that request's doing (a backend
        // refusing what it cannot parse): no single client may take a backend out for everyone.
        // A backend that is really gone refuses the next connect and is marked dead then.
        failStatus = 502;
        failReason = reason;
        boolean replayable = !bytesSent || (idempotent && !requestHasBody && requestComplete);
        if (replayable) {
            if (bytesSent) {
                bytesSent = false;
            }
            attempt();
        } else {
            fail(502, reason);
        }
    }

    private void responseHeaderTimeout() {
        if (done || responseStarted) {
            return;
        }
        error = "no response head within " + gw.settings().timeouts().responseHeaderMs() + " ms";
        gw.metrics().backendFailure(backend.address(), "response_timeout");
        closeBackend();
        fail(504, "response_timeout");
    }

    private void closeBackend() {
        if (backendChannel != null) {
            BackendHandler handler = backendChannel.pipeline().get(BackendHandler.class);
            if (handler != null) {
                handler.unbind();
            }
            backendChannel.close();
            backendChannel = null;
            attached = false;
        }
        if (backend != null) {
            backend.connectionClosed();
            backend = null;
        }
    }

    /** Answers with a gateway error (or cuts the connection if a response already started). */
    private void fail(int code, String reason) {
        if (done) {
            return;
        }
        done = true;
        cancelHeaderTimeout();
        closeBackend();
        releasePending();
        status = code;
        if (error.equals("-")) {
            error = reason;
        }
        gw.metrics().gatewayError(reason);
        boolean close = !requestComplete || !frontend.keepAlive();
        if (responseStarted) {
            client.close();
            close = true;
        } else {
            client.writeAndFlush(GatewayErrors.response(request.method(), HttpResponseStatus.valueOf(code), reason, close));
        }
        finish();
        frontend.exchangeFinished(close);
    }

    /** The client went away: drop the backend side (never pooled mid-exchange). */
    /** Whether the response is a {@code text/event-stream} being relayed (a stream that never ends on its own). */
    boolean streamsEvents() {
        return eventStream && !done;
    }

    void clientClosed() {
        if (done) {
            return;
        }
        done = true;
        cancelHeaderTimeout();
        closeBackend();
        releasePending();
        status = 499;
        error = "client_closed";
        finish();
    }

    private void armHeaderTimeout() {
        headerTimeout = client.eventLoop().schedule(this::responseHeaderTimeout,
                gw.settings().timeouts().responseHeaderMs(), TimeUnit.MILLISECONDS);
    }

    private void cancelHeaderTimeout() {
        if (headerTimeout != null) {
            headerTimeout.cancel(false);
            headerTimeout = null;
        }
    }

    private void finish() {
        if (status != 101) {
            gw.metrics().request(status);
        }
        long now = System.nanoTime();
        ACCESS.info("request {} \"{} {} {}\" host={} status={} route={} backend={} attempts={} bytes_in={} bytes_out={} "
                        + "time_ms={} backend_ms={} request_id={} error={}",
                clientDescription, request.method(), request.uri(), request.protocolVersion(),
                request.headers().get(HttpHeaderNames.HOST), status, route.name(),
                tried.isEmpty() ? "-" : String.join(",", tried.stream().map(Backend::address).toList()), attempts,
                bytesIn, bytesOut, TimeUnit.NANOSECONDS.toMillis(now - startNanos),
                responseHeadNanos == 0 ? "-" : Long.toString(TimeUnit.NANOSECONDS.toMillis(responseHeadNanos - startNanos)),
                requestId, error);
    }
}
