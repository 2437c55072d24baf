package dev.loggregator.trafficcontroller.v2;

import dev.loggregator.trafficcontroller.api.HttpResponses;
import dev.loggregator.trafficcontroller.auth.AccessDecision;
import dev.loggregator.trafficcontroller.connections.RequestDeadline;
import dev.loggregator.trafficcontroller.connections.StreamQuota;
import dev.loggregator.trafficcontroller.auth.AccessPolicy;
import dev.loggregator.trafficcontroller.auth.BearerToken;
import dev.loggregator.trafficcontroller.dopplers.DopplerConnector;
import dev.loggregator.trafficcontroller.dopplers.LinkFrames;
import dev.loggregator.trafficcontroller.metrics.TrafficControllerMetrics;
import dev.loggregator.trafficcontroller.proxyprotocol.ClientAddress;
import dev.loggregator.trafficcontroller.stream.AppShares;
import dev.loggregator.trafficcontroller.stream.BatchQueue;
import dev.loggregator.trafficcontroller.stream.LossLedger;
import dev.loggregator.trafficcontroller.stream.OutboundStream;
import dev.loggregator.trafficcontroller.stream.TokenExpiryHandler;
import dev.loggregator.wire.v2.link.V2LinkQuery;
import dev.loggregator.wire.v2.select.EnvelopeSelection;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.flow.FlowControlHandler;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.cloudfoundry.loggregator.v2.LoggregatorEgress.EgressBatchRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v2/read}, the RLP gateway's Server-Sent Events stream, on the Traffic Controller's
 * public port: authorised as the gateway does (every refusal a 404 {@code not_found}), checked in
 * the gateway's order (then 405, then the query's 400s), then answered with
 * {@code text/event-stream} and a stream subscribed on every Doppler with the request's selectors
 * and shard id, its records already protojson. Its queue is fair per source id, as the v1 streams' are
 * per app ({@link AppShares}).
 */
public final class ReadEndpoint {
    public static final String PATH = "/v2/read";
    private static final Logger LOG = LoggerFactory.getLogger(ReadEndpoint.class);
    /** A Doppler's JSON record: base64 and escapes make it a few times the envelope, never past a 1 MiB frame. */
    private static final int MAX_JSON_RECORD_BYTES = 1 << 20;

    private final AccessPolicy policy;
    private final DopplerConnector connector;
    private final TrafficControllerMetrics metrics;
    private final V2Settings settings;

    private final LossLedger ledger;
    private final StreamQuota quota;

    public ReadEndpoint(LossLedger ledger, StreamQuota quota, AccessPolicy policy, DopplerConnector connector, TrafficControllerMetrics metrics,
                        V2Settings settings) {
        this.ledger = ledger;
        this.quota = quota;
        this.policy = policy;
        this.connector = connector;
        this.metrics = metrics;
        this.settings = settings;
    }

    public void handle(ChannelHandlerContext ctx, FullHttpRequest request) {
        Map<String, List<String>> query = new QueryStringDecoder(request.uri()).parameters();
        String authorization = BearerToken.authorization(request);
        request.retain();
        policy.sources(authorization, ReadQuery.sourceIds(query))
                .whenComplete((decision, error) -> ctx.executor().execute(() -> {
                    try {
                        if (error != null) {
                            LOG.error("authorisation failed for {}", request.uri(), error);
                            refuse(ctx, request, V2Error.NOT_FOUND);
                        } else {
                            authorised(ctx, request, query, decision);
                        }
                    } catch (RuntimeException bug) {
                        LOG.error("v2 read {} failed", request.uri(), bug);
                        ctx.close();
                    } finally {
                        request.release();
                    }
                }));
    }

    private void authorised(ChannelHandlerContext ctx, FullHttpRequest request, Map<String, List<String>> query,
                            AccessDecision decision) {
        if (!ctx.channel().isActive()) {
            return;
        }
        if (!decision.isAllowed()) {
            refuse(ctx, request, V2Error.NOT_FOUND);
            return;
        }
        if (!request.method().equals(HttpMethod.GET)) {
            refuse(ctx, request, V2Error.METHOD_NOT_ALLOWED);
            return;
        }
        EgressBatchRequest egress;
        try {
            egress = ReadQuery.parse(query);
            if (ReadQuery.sourceIds(query).size() > settings.maxSourceIds()) {
                throw new V2Error(HttpResponseStatus.BAD_REQUEST, "too_many_source_ids",
                        "at most " + settings.maxSourceIds() + " source_id parameters");
            }
            if (connector.directory().current().isEmpty()) {
                throw V2Error.STREAMING_UNAVAILABLE;
            }
            String shard = egress.getShardId();
            StreamQuota.Refusal full = quota.acquire(ctx.channel(), policy.tokenOwner(decision), shard.isEmpty() ? null : "v2:" + shard);
            if (full != null) {
                metrics.refused(full.reason());
                throw new V2Error(HttpResponseStatus.TOO_MANY_REQUESTS, full.reason(), full == StreamQuota.Refusal.TOKEN
                        ? "at most " + quota.perToken() + " streams per token"
                        : "at most " + quota.perSubscription() + " streams per shard_id");
            }
        } catch (V2Error e) {
            refuse(ctx, request, e);
            return;
        }
        open(ctx, request, egress, decision);
    }

    private void open(ChannelHandlerContext ctx, FullHttpRequest request, EgressBatchRequest egress, AccessDecision decision) {
        HttpResponse response = new DefaultHttpResponse(request.protocolVersion(), HttpResponseStatus.OK);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream")
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
        if (request.protocolVersion().equals(HttpVersion.HTTP_1_1)) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            HttpUtil.setTransferEncodingChunked(response, true);
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        ctx.writeAndFlush(response);

        String path = V2LinkQuery.pathAndQuery(egress, V2LinkQuery.Format.JSON);
        String description = "v2 read " + request.uri() + " for " + decision.user() + " at " + ClientAddress.of(ctx.channel());
        List<String> sourceIds = egress.getSelectorsList().stream().map(s -> s.getSourceId()).distinct().toList();
        String noticeSource = sourceIds.size() == 1 && !sourceIds.get(0).isEmpty() ? sourceIds.get(0) : null;
        ChannelPipeline pipeline = ctx.pipeline();
        // The response is a stream from now on: no further request on this connection is read as one,
        // and no request deadline applies; reading goes on so a client that leaves is noticed.
        pipeline.remove(ctx.handler());
        if (pipeline.get(RequestDeadline.class) != null) {
            pipeline.remove(RequestDeadline.class);
        }
        if (pipeline.get(FlowControlHandler.class) != null) {
            pipeline.remove(FlowControlHandler.class);
        }
        ctx.channel().config().setAutoRead(true);
        pipeline.addLast("sse", new SseLifetime(settings.heartbeatMillis(), settings.streamLifetimeMillis()));
        if (decision.expiresAt() != null) {
            pipeline.addLast("token-expiry", new TokenExpiryHandler(decision.expiresAt()));
        }
        // Fair per app as the v1 streams: under pressure the source ids sending most are shed first, and every
        // envelope lost is counted for its source id.
        // A reader of one source id is bounded in envelopes, as an app stream; one of many in bytes.
        AppShares shares = AppShares.v2Json(settings.fairShare(), metrics::appDropped);
        BatchQueue queue = noticeSource != null ? new BatchQueue(settings.bufferEnvelopes(), shares)
                : new BatchQueue(settings.streamBudget(), shares);
        SseFraming framing = new SseFraming(new V2DropNotices(EnvelopeSelection.of(egress.getSelectorsList())));
        pipeline.addLast("stream", new OutboundStream(TrafficControllerMetrics.V2_READ, framing,
                noticeSource, description, metrics, queue, settings.slowConsumerMillis(),
                sink -> connector.subscribe(path, LinkFrames.batches(sink, MAX_JSON_RECORD_BYTES)), ledger,
                LossLedger.key(TrafficControllerMetrics.V2_READ, request.uri(), decision.user())));
    }

    private static void refuse(ChannelHandlerContext ctx, FullHttpRequest request, V2Error error) {
        LOG.info("{} {} from {}: {} {}", request.method(), request.uri(), ClientAddress.of(ctx.channel()),
                error.status().code(), error.getMessage());
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, error.status(),
                Unpooled.copiedBuffer(error.body(), StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .set("X-Content-Type-Options", "nosniff");
        HttpResponses.send(ctx, response, HttpUtil.isKeepAlive(request));
    }
}
