package dev.loggregator.trafficcontroller.api;

import dev.loggregator.trafficcontroller.auth.AccessDecision;
import dev.loggregator.trafficcontroller.auth.AccessPolicy;
import dev.loggregator.trafficcontroller.auth.BearerToken;
import dev.loggregator.trafficcontroller.connections.RequestDeadline;
import dev.loggregator.trafficcontroller.connections.StreamQuota;
import dev.loggregator.logging.BadInput;
import dev.loggregator.trafficcontroller.dopplers.DopplerConnector;
import dev.loggregator.trafficcontroller.dopplers.DopplerQueries;
import dev.loggregator.trafficcontroller.dopplers.EnvelopeSink;
import dev.loggregator.trafficcontroller.metrics.TrafficControllerMetrics;
import dev.loggregator.trafficcontroller.proxyprotocol.ClientAddress;
import dev.loggregator.trafficcontroller.stream.AppShares;
import dev.loggregator.trafficcontroller.stream.AppStreamHub;
import dev.loggregator.trafficcontroller.stream.BatchQueue;
import dev.loggregator.trafficcontroller.stream.LossLedger;
import dev.loggregator.trafficcontroller.stream.OutboundStream;
import dev.loggregator.trafficcontroller.stream.WebSocketFraming;
import dev.loggregator.trafficcontroller.stream.KeepAliveHandler;
import dev.loggregator.trafficcontroller.stream.TokenExpiryHandler;
import dev.loggregator.wire.handshake.OpeningHandshake;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import dev.loggregator.trafficcontroller.stream.ProtocolViolations;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker13;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.handler.ssl.SslHandler;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /apps/{app}/stream} and {@code /firehose/{id}}: authorise (off the event loop), refuse
 * what is not an RFC 6455 handshake as gorilla's upgrader does (400, or 405 for a method other than GET), then upgrade and install the stream stages:
 * keepalive, token expiry and the client's outbound queue, subscribed to the Dopplers.
 */
final class StreamEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(StreamEndpoint.class);
    /** Clients send nothing but control frames; anything large is an attack or a mistake. */
    private static final int MAX_CLIENT_FRAME_BYTES = 64 * 1024;

    private final AccessPolicy policy;
    private final DopplerConnector connector;
    private final AppStreamHub appStreams;
    private final TrafficControllerMetrics metrics;
    private final StreamSettings settings;

    private final LossLedger ledger;
    private final StreamQuota quota;

    StreamEndpoint(LossLedger ledger, StreamQuota quota, AccessPolicy policy, DopplerConnector connector, AppStreamHub appStreams,
                   TrafficControllerMetrics metrics, StreamSettings settings) {
        this.ledger = ledger;
        this.quota = quota;
        this.policy = policy;
        this.connector = connector;
        this.appStreams = appStreams;
        this.metrics = metrics;
        this.settings = settings;
    }

    void handle(ChannelHandlerContext ctx, FullHttpRequest request, Route route) {
        String authorization = BearerToken.authorization(request);
        request.retain();
        (route.kind() == Route.Kind.FIREHOSE ? policy.firehose(authorization) : policy.app(authorization, route.appId()))
                .whenComplete((decision, error) -> ctx.executor().execute(() -> {
                    try {
                        if (error != null) {
                            LOG.error("authorisation failed for {}", request.uri(), error);
                            HttpResponses.send(ctx, HttpResponses.text(HttpResponseStatus.INTERNAL_SERVER_ERROR, ""), false);
                        } else {
                            authorised(ctx, request, route, decision);
                        }
                    } catch (RuntimeException bug) {
                        // Nothing else would answer or close: the client would wait for good.
                        LOG.error("stream request {} failed", request.uri(), bug);
                        ctx.close();
                    } finally {
                        request.release();
                    }
                }));
    }

    private void authorised(ChannelHandlerContext ctx, FullHttpRequest request, Route route, AccessDecision decision) {
        if (!ctx.channel().isActive()) {
            return;
        }
        if (!decision.isAllowed()) {
            Refusals.send(ctx, request, decision, metrics);
            return;
        }
        OpeningHandshake.Refusal refusal = OpeningHandshake.check(request.method().name(), request.headers()::getAll);
        if (refusal != null) {
            LOG.debug("refused WebSocket handshake for {} {}: {}", request.method(), request.uri(), refusal.reason());
            HttpResponseStatus status = HttpResponseStatus.valueOf(refusal.status());
            FullHttpResponse response = HttpResponses.text(status, status.reasonPhrase() + "\n");
            response.headers().set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, OpeningHandshake.VERSION);
            HttpResponses.send(ctx, response, HttpUtil.isKeepAlive(request));
            return;
        }
        if (route.kind() == Route.Kind.FIREHOSE && !firehoseQuota(ctx, request, route, decision)) {
            return;
        }
        String scheme = ctx.pipeline().get(SslHandler.class) != null ? "wss://" : "ws://";
        WebSocketServerHandshaker handshaker = new WebSocketServerHandshaker13(
                scheme + request.headers().get(HttpHeaderNames.HOST, "localhost") + request.uri(), null,
                WebSocketDecoderConfig.newBuilder().maxFramePayloadLength(MAX_CLIENT_FRAME_BYTES)
                        .closeOnProtocolViolation(false).build());
        ChannelPipeline pipeline = ctx.pipeline();
        handshaker.handshake(ctx.channel(), request).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        pipeline.remove(ctx.handler());
        // A stream from here on: keepalive pings, not request deadlines, decide when it is dead,
        // and the client's frames (pongs, close) are read as they come.
        pipeline.remove(RequestDeadline.class);
        pipeline.remove(FlowControlHandler.class);
        // Text frames must be UTF-8 (1007 otherwise); every violation gets its close code (ProtocolViolations).
        pipeline.addAfter("wsdecoder", "utf8", new Utf8FrameValidator(false));
        pipeline.addAfter("utf8", "ws-violations", ProtocolViolations.INSTANCE);
        ctx.channel().config().setAutoRead(true);

        String client = ClientAddress.of(ctx.channel());
        String endpoint;
        String appId = null;
        String description;
        Function<EnvelopeSink, AutoCloseable> subscribe;
        if (route.kind() == Route.Kind.FIREHOSE) {
            endpoint = TrafficControllerMetrics.FIREHOSE;
            String filter = route.dopplerFilter();
            String path = "/firehose/" + DopplerQueries.encode(route.subscriptionId())
                    + (filter == null ? "" : "?filter-type=" + filter);
            description = "firehose " + route.subscriptionId() + (filter == null ? "" : " (" + filter + ")")
                    + " for " + decision.user() + " at " + client;
            subscribe = sink -> connector.subscribe(path, sink);
        } else {
            endpoint = TrafficControllerMetrics.STREAM;
            appId = route.appId();
            description = "stream of app " + route.appId() + " for " + decision.user() + " at " + client;
            subscribe = sink -> appStreams.join(route.appId(), sink);
        }
        pipeline.addLast("keepalive", new KeepAliveHandler(settings.keepaliveMillis(), settings.pongTimeoutMillis()));
        if (decision.expiresAt() != null) {
            pipeline.addLast("token-expiry", new TokenExpiryHandler(decision.expiresAt()));
        }
        String subscription = route.kind() == Route.Kind.FIREHOSE ? route.subscriptionId() + "?" + route.dopplerFilter()
                : route.appId();
        // A firehose carries many apps: its queue is bounded by its part of the byte budget; an app's stream in envelopes.
        AppShares shares = AppShares.v1(settings.fairShare(), metrics::appDropped);
        BatchQueue queue = route.kind() == Route.Kind.FIREHOSE ? new BatchQueue(settings.streamBudget(), shares)
                : new BatchQueue(settings.bufferEnvelopes(), shares);
        pipeline.addLast("stream", new OutboundStream(endpoint, WebSocketFraming.INSTANCE, appId, description, metrics,
                queue, settings.slowConsumerMillis(), subscribe, ledger,
                LossLedger.key(endpoint, subscription, decision.user())));
    }

    /** Takes the stream's place in its token's and subscription's quota, or answers 429. */
    private boolean firehoseQuota(ChannelHandlerContext ctx, FullHttpRequest request, Route route, AccessDecision decision) {
        StreamQuota.Refusal full = quota.acquire(ctx.channel(), policy.tokenOwner(decision), "firehose:" + route.subscriptionId());
        if (full == null) {
            return true;
        }
        metrics.refused(full.reason());
        LOG.info(BadInput.MARKER, "{} from {} for {}: {}", request.uri(), ClientAddress.of(ctx.channel()), decision.user(),
                full.reason());
        String body = full == StreamQuota.Refusal.TOKEN
                ? "at most " + quota.perToken() + " firehose streams per token\n"
                : "at most " + quota.perSubscription() + " streams per firehose subscription\n";
        HttpResponses.send(ctx, HttpResponses.text(HttpResponseStatus.TOO_MANY_REQUESTS, body), HttpUtil.isKeepAlive(request));
        return false;
    }
}
