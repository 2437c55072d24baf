package dev.loggregator.doppler.egress;

import dev.loggregator.doppler.logging.RateLimitedLog;
import dev.loggregator.doppler.metrics.RefusedConnectionReason;
import dev.loggregator.doppler.metrics.DopplerMetrics;
import dev.loggregator.doppler.metrics.EgressEndpoint;
import dev.loggregator.doppler.routing.Subscriptions;
import dev.loggregator.doppler.routing.V1FirehoseMatcher;
import dev.loggregator.doppler.store.AppStore;
import dev.loggregator.wire.filter.EnvelopeFilter;
import dev.loggregator.wire.handshake.OpeningHandshake;
import dev.loggregator.wire.framing.LinkSequence;
import dev.loggregator.wire.logcache.LogCacheLink;
import dev.loggregator.wire.multiplex.AppStreamMultiplex;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker13;
import io.netty.handler.timeout.IdleStateHandler;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one HTTP request on the egress port (docs/internal-protocol.md): a WebSocket
 * subscription (app stream or firehose), or recent logs / container metrics as one batch body.
 * Anything else is answered with a clear status and counted.
 */
final class EgressRequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(EgressRequestHandler.class);
    private static final RateLimitedLog BAD_REQUEST_LOG = new RateLimitedLog(LOG);
    static final String BATCH_CONTENT_TYPE = "application/x-loggregator-batch";
    /** The syslog drains in force on this Doppler and their state, as JSON ({@code ?app=ID} for one app). */
    static final String DRAINS_PATH = "/drains";
    /** Frames from subscribers are pings and closes; nothing big is expected. */
    private static final int MAX_INBOUND_FRAME = 64 * 1024;

    private final EgressContext context;

    EgressRequestHandler(EgressContext context) {
        this.context = context;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            badRequest(ctx, request, HttpResponseStatus.BAD_REQUEST, "malformed HTTP request: " + request.decoderResult().cause());
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        List<String> path = segments(uri.rawPath());
        boolean get = request.method().equals(HttpMethod.GET);
        if (path.size() == 3 && path.get(0).equals("apps") && !path.get(1).isEmpty()) {
            String app = path.get(1);
            switch (path.get(2)) {
                case "stream" -> {
                    if (get) {
                        subscribe(ctx, request, EgressEndpoint.STREAM, app, null, null);
                        return;
                    }
                }
                case "recentlogs" -> {
                    if (get) {
                        answerBatch(ctx, request, context.store().recentLogs(app), EgressEndpoint.RECENT_LOGS);
                        return;
                    }
                }
                case "containermetrics" -> {
                    if (get) {
                        answerBatch(ctx, request, context.store().containerMetrics(app), EgressEndpoint.CONTAINER_METRICS);
                        return;
                    }
                }
                default -> {
                    badRequest(ctx, request, HttpResponseStatus.NOT_FOUND, "no such path " + uri.rawPath());
                    return;
                }
            }
            badRequest(ctx, request, HttpResponseStatus.METHOD_NOT_ALLOWED, request.method() + " " + uri.rawPath());
        } else if (uri.rawPath().equals(AppStreamMultiplex.PATH)) {
            if (!get) {
                badRequest(ctx, request, HttpResponseStatus.METHOD_NOT_ALLOWED, request.method() + " " + uri.rawPath());
                return;
            }
            subscribeMultiplexed(ctx, request);
        } else if (uri.rawPath().equals(LogCacheLink.READ_PATH) || uri.rawPath().equals(LogCacheLink.META_PATH)) {
            answerLogCache(ctx, request, uri, get);
        } else if (uri.rawPath().equals(LogCacheLink.SERIES_PATH)) {
            answerSeries(ctx, request, uri);
        } else if (uri.rawPath().equals(V2Subscription.PATH)) {
            if (!get) {
                badRequest(ctx, request, HttpResponseStatus.METHOD_NOT_ALLOWED, request.method() + " " + uri.rawPath());
                return;
            }
            subscribeV2(ctx, request, uri);
        } else if (uri.rawPath().equals(DRAINS_PATH)) {
            if (!get) {
                badRequest(ctx, request, HttpResponseStatus.METHOD_NOT_ALLOWED, request.method() + " " + uri.rawPath());
                return;
            }
            List<String> app = uri.parameters().get("app");
            answerJson(ctx, request, context.drainReport().apply(app == null || app.isEmpty() ? null : app.get(0)));
        } else if (path.size() == 2 && path.get(0).equals("firehose") && !path.get(1).isEmpty()) {
            if (!get) {
                badRequest(ctx, request, HttpResponseStatus.METHOD_NOT_ALLOWED, request.method() + " " + uri.rawPath());
                return;
            }
            List<String> filterType = uri.parameters().get("filter-type");
            EnvelopeFilter filter = EnvelopeFilter.fromQuery(filterType == null || filterType.isEmpty() ? null : filterType.get(0));
            subscribe(ctx, request, EgressEndpoint.FIREHOSE, null, path.get(1), filter);
        } else {
            badRequest(ctx, request, HttpResponseStatus.NOT_FOUND, "no such path " + uri.rawPath());
        }
    }

    private static List<String> segments(String rawPath) {
        String trimmed = rawPath.startsWith("/") ? rawPath.substring(1) : rawPath;
        return Arrays.stream(trimmed.split("/", -1))
                .map(QueryStringDecoder::decodeComponent)
                .toList();
    }

    private void subscribe(ChannelHandlerContext ctx, FullHttpRequest request, EgressEndpoint endpoint,
                           String app, String subscriptionId, EnvelopeFilter filter) {
        LinkRequest link = linkRequest(ctx, request);
        if (link == null) {
            return;
        }
        long resumeAfter = link.resumeAfter();
        WebSocketServerHandshaker handshaker = link.handshaker();
        Subscriber subscriber = new Subscriber(ctx.channel(), endpoint, app,
                endpoint == EgressEndpoint.STREAM ? context.appStreamQueue() : context.linkQueue(), context.metrics(),
                LinkFormat.V1, context.subscriptions()::lastDispatched, context.fairShareFactor());
        Subscriber previous = replaced(link, subscriber);
        // Subscribed before the handshake answer goes out, so a client that sees 101 misses nothing
        // sent after; the subscriber holds its queue until open().
        Runnable remove;
        if (endpoint == EgressEndpoint.STREAM) {
            closeReplaced(previous);
            remove = resumeAfter >= 0 ? context.router().resumeApp(app, subscriber, resumeAfter)
                    : addAppStream(app, subscriber);
        } else if (previous != null && previous.endpoint() == endpoint) {
            remove = context.subscriptions().addShared("v1", subscriptionId, filter, new V1FirehoseMatcher(filter), subscriber);
            context.router().submit(previous::retire);
        } else {
            closeReplaced(previous);
            remove = resumeAfter >= 0
                    ? context.router().resumeShared("v1", subscriptionId, filter, new V1FirehoseMatcher(filter), subscriber, resumeAfter)
                    : context.subscriptions().addShared("v1", subscriptionId, filter, new V1FirehoseMatcher(filter), subscriber);
        }
        subscriber.removal(remove);
        ctx.channel().closeFuture().addListener(f -> remove.run());
        openLink(ctx, request, handshaker, subscriber, null);
    }

    /**
     * Registers {@code subscriber} under the link's name, if it has one; returns the live link of that
     * name it replaces (the Traffic Controller re-dialled a link that went silent), or null.
     */
    private Subscriber replaced(LinkRequest link, Subscriber subscriber) {
        return link.name().isEmpty() ? null : context.registerLink(link.name(), subscriber);
    }

    /**
     * A link replaced by a re-dial that gets everything it missed replayed from the ring (app streams,
     * or a link whose group it cannot hand over): closed at once, so it stops taking envelopes.
     */
    private static void closeReplaced(Subscriber previous) {
        if (previous != null) {
            previous.channel().close();
        }
    }

    private Runnable addAppStream(String app, Subscriber subscriber) {
        context.subscriptions().addAppStream(app, subscriber);
        return () -> context.subscriptions().removeAppStream(app, subscriber);
    }

    /**
     * A link's handshake; for a re-dialled link's {@code resume=<incarnation>:<sequence>}, the sequence
     * number after which it missed envelopes (0 when this Doppler restarted since), -1 for a new link;
     * and its name ({@code link=}, the same on every dial of one Traffic Controller subscription to this
     * Doppler), empty when it has none.
     */
    private record LinkRequest(WebSocketServerHandshaker handshaker, long resumeAfter, String name) {
    }

    /**
     * The link request, or null when it was refused (and answered): not a handshake, a malformed
     * resume, or a name longer than {@link LinkSequence#MAX_LINK_NAME}.
     */
    private LinkRequest linkRequest(ChannelHandlerContext ctx, FullHttpRequest request) {
        Map<String, List<String>> parameters = new QueryStringDecoder(request.uri()).parameters();
        List<String> resume = parameters.get(LinkSequence.RESUME_PARAMETER);
        long resumeAfter = -1;
        if (resume != null && !resume.isEmpty()) {
            try {
                resumeAfter = LinkSequence.replayAfter(resume.get(0), context.incarnation());
            } catch (IllegalArgumentException e) {
                badRequest(ctx, request, HttpResponseStatus.BAD_REQUEST, e.getMessage());
                return null;
            }
        }
        List<String> names = parameters.get(LinkSequence.LINK_PARAMETER);
        String name = names == null || names.isEmpty() ? "" : names.get(0);
        if (name.length() > LinkSequence.MAX_LINK_NAME) {
            badRequest(ctx, request, HttpResponseStatus.BAD_REQUEST, "link name longer than " + LinkSequence.MAX_LINK_NAME);
            return null;
        }
        WebSocketServerHandshaker handshaker = handshaker(ctx, request);
        return handshaker == null ? null : new LinkRequest(handshaker, resumeAfter, name);
    }

    /** A v2 egress subscription: the request's selectors and shard id, records in the asked format. */
    private void subscribeV2(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder uri) {
        V2Subscription subscription;
        try {
            subscription = V2Subscription.parse(uri.parameters());
        } catch (IllegalArgumentException e) {
            badRequest(ctx, request, HttpResponseStatus.BAD_REQUEST, e.getMessage());
            return;
        }
        LinkRequest link = linkRequest(ctx, request);
        if (link == null) {
            return;
        }
        long resumeAfter = link.resumeAfter();
        WebSocketServerHandshaker handshaker = link.handshaker();
        Subscriber subscriber = new Subscriber(ctx.channel(), EgressEndpoint.V2, subscription.noticeSourceId(),
                context.linkQueue(), context.metrics(), subscription.format(), context.subscriptions()::lastDispatched,
                context.fairShareFactor());
        Subscriber previous = replaced(link, subscriber);
        Runnable remove;
        if (previous != null && previous.endpoint() == EgressEndpoint.V2) {
            remove = context.subscriptions().addShared("v2", subscription.shardId(), subscription.groupKey(),
                    subscription.matcher(), subscriber);
            context.router().submit(previous::retire);
        } else {
            closeReplaced(previous);
            remove = resumeAfter >= 0
                    ? context.router().resumeShared("v2", subscription.shardId(), subscription.groupKey(),
                            subscription.matcher(), subscriber, resumeAfter)
                    : context.subscriptions().addShared("v2", subscription.shardId(), subscription.groupKey(),
                            subscription.matcher(), subscriber);
        }
        subscriber.removal(remove);
        ctx.channel().closeFuture().addListener(f -> remove.run());
        openLink(ctx, request, handshaker, subscriber, null);
    }

    /** The multiplexed app-stream link: apps are followed as the link asks (AppStreamControlHandler). */
    private void subscribeMultiplexed(ChannelHandlerContext ctx, FullHttpRequest request) {
        LinkRequest link = linkRequest(ctx, request);
        if (link == null) {
            return;
        }
        long resumeAfter = link.resumeAfter();
        WebSocketServerHandshaker handshaker = link.handshaker();
        Subscriber subscriber = Subscriber.multiplexed(ctx.channel(), context.linkQueue(), context.metrics(),
                context.subscriptions()::lastDispatched, context.fairShareFactor());
        // Its apps come back with ">app": what the old link missed is replayed from the ring.
        closeReplaced(replaced(link, subscriber));
        openLink(ctx, request, handshaker, subscriber, new AppStreamControlHandler(subscriber, context, resumeAfter));
    }

    /** The handshaker for a subscription request, or null when it was refused (and answered). */
    private WebSocketServerHandshaker handshaker(ChannelHandlerContext ctx, FullHttpRequest request) {
        OpeningHandshake.Refusal refusal = OpeningHandshake.check(request.method().name(), request.headers()::getAll);
        if (refusal != null) {
            badRequest(ctx, request, HttpResponseStatus.valueOf(refusal.status()), refusal.reason() + " for " + request.uri());
            return null;
        }
        String url = "ws://" + request.headers().get(HttpHeaderNames.HOST, "doppler") + request.uri();
        return new WebSocketServerHandshaker13(url, null,
                WebSocketDecoderConfig.newBuilder().allowExtensions(true).maxFramePayloadLength(MAX_INBOUND_FRAME).build());
    }

    /** Answers the handshake, then hands the connection to the link stages ({@code control} first, if any). */
    private void openLink(ChannelHandlerContext ctx, FullHttpRequest request, WebSocketServerHandshaker handshaker,
                          Subscriber subscriber, ChannelHandler control) {
        context.links().add(subscriber);
        ctx.channel().closeFuture().addListener(f -> context.links().remove(subscriber));
        ChannelPipeline pipeline = ctx.pipeline();
        io.netty.handler.codec.http.HttpHeaders headers = new io.netty.handler.codec.http.DefaultHttpHeaders()
                .set(LinkSequence.INCARNATION_HEADER, context.incarnation());
        handshaker.handshake(ctx.channel(), request, headers, ctx.channel().newPromise()).addListener((ChannelFutureListener) done -> {
            if (!done.isSuccess() || !done.channel().isActive()) {
                ctx.close();
                return;
            }
            // Silent means nothing read *and* nothing written: a busy link's Traffic Controller reads frames and has no
            // reason to ping, and closing it every 45 s cost what the replay ring could not give back at high rates. A
            // partitioned or stuck peer stops taking writes once the socket's buffers are full, so it still counts as silent.
            pipeline.replace("idle", "idle", new IdleStateHandler(0, 0, context.linkSilenceSeconds()));
            pipeline.replace("idle-closer", "idle-closer", context.silentLinkCloser());
            pipeline.replace(this, "link", new SubscriberLinkHandler(subscriber, handshaker,
                    () -> context.router().submit(subscriber::retire)));
            if (control != null) {
                pipeline.addBefore("link", "control", control);
            }
            subscriber.open();
        });
    }

    private void answerBatch(ChannelHandlerContext ctx, FullHttpRequest request, List<byte[]> envelopes, EgressEndpoint endpoint) {
        ByteBuf body = BatchEncoding.encode(ctx.alloc(), envelopes);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, BATCH_CONTENT_TYPE);
        context.metrics().egress().add(endpoint, envelopes.size());
        respond(ctx, request, response);
    }

    private void answerLogCache(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder uri, boolean get) {
        if (!get) {
            badRequest(ctx, request, HttpResponseStatus.METHOD_NOT_ALLOWED, request.method() + " " + uri.rawPath());
            return;
        }
        if (context.logCache() == null) {
            badRequest(ctx, request, HttpResponseStatus.NOT_FOUND, "the Log Cache store is off (doppler.log_cache.enabled)");
            return;
        }
        LogCacheRequests logCache = new LogCacheRequests(context.logCache());
        respond(ctx, request, uri.rawPath().equals(LogCacheLink.META_PATH) ? logCache.meta()
                : logCache.read(ctx.alloc(), uri.parameters()));
    }

    private static void answerJson(ChannelHandlerContext ctx, FullHttpRequest request, byte[] json) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.wrappedBuffer(json));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        respond(ctx, request, response);
    }

    private void answerSeries(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder uri) {
        if (!request.method().equals(HttpMethod.POST)) {
            badRequest(ctx, request, HttpResponseStatus.METHOD_NOT_ALLOWED, request.method() + " " + uri.rawPath());
            return;
        }
        if (context.logCache() == null) {
            badRequest(ctx, request, HttpResponseStatus.NOT_FOUND, "the Log Cache store is off (doppler.log_cache.enabled)");
            return;
        }
        respond(ctx, request, new LogCacheRequests(context.logCache()).series(request.content()));
    }

    private void badRequest(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status, String detail) {
        context.metrics().refusedConnections().increment(RefusedConnectionReason.BAD_REQUEST);
        BAD_REQUEST_LOG.warn("Egress request from {} refused with {}: {}", ctx.channel().remoteAddress(), status.code(), detail);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(status.reasonPhrase() + ": " + detail + "\n", StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN);
        // A request we could not parse leaves the connection in an unknown state: close it.
        if (!request.decoderResult().isSuccess()) {
            HttpUtil.setKeepAlive(response, false);
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        respond(ctx, request, response);
    }

    private static void respond(ChannelHandlerContext ctx, FullHttpRequest request, FullHttpResponse response) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        HttpUtil.setKeepAlive(response, keepAlive);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        if (keepAlive) {
            ctx.writeAndFlush(response);
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        context.metrics().refusedConnections().increment(RefusedConnectionReason.BAD_REQUEST);
        BAD_REQUEST_LOG.warn("Closed egress connection from {}: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
