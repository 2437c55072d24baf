package dev.loggregator.trafficcontroller.api;

import dev.loggregator.logging.BadInput;
import dev.loggregator.trafficcontroller.auth.AccessPolicy;
import dev.loggregator.trafficcontroller.auth.BearerToken;
import dev.loggregator.trafficcontroller.dopplers.DopplerQueries;
import dev.loggregator.trafficcontroller.metrics.TrafficControllerMetrics;
import dev.loggregator.trafficcontroller.proxyprotocol.ClientAddress;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /apps/{app}/recentlogs} (every Doppler's retained logs, concatenated; with
 * {@code ?limit=N} only the N newest of them) and {@code /apps/{app}/containermetrics} (newest
 * per instance across Dopplers), as {@code multipart/x-protobuf}. 503 when no Doppler answered,
 * as the original did when it could not reach its Dopplers. A limit that is not a number
 * {@code >= 0} gets a 400 once access is granted, as a bad request to a stream path does.
 */
final class RecentEnvelopesEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(RecentEnvelopesEndpoint.class);

    private final AccessPolicy policy;
    private final DopplerQueries queries;
    private final TrafficControllerMetrics metrics;

    RecentEnvelopesEndpoint(AccessPolicy policy, DopplerQueries queries, TrafficControllerMetrics metrics) {
        this.policy = policy;
        this.queries = queries;
        this.metrics = metrics;
    }

    void handle(ChannelHandlerContext ctx, FullHttpRequest request, Route route) {
        // Everything needed later is read now, so the request is not held across the asynchronous steps.
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        String requestLine = request.method() + " " + request.uri();
        boolean containerMetrics = route.kind() == Route.Kind.CONTAINER_METRICS;
        OptionalInt limit = RecentLogsLimit.parse(route.limit());
        long started = System.nanoTime();
        policy.app(BearerToken.authorization(request), route.appId()).thenCompose(decision -> {
            if (!decision.isAllowed()) {
                ctx.executor().execute(() -> Refusals.send(ctx, requestLine, keepAlive, decision, metrics));
                return CompletableFuture.completedFuture(null);
            }
            if (limit.isEmpty()) {
                ctx.executor().execute(() -> badLimit(ctx, requestLine, keepAlive));
                return CompletableFuture.completedFuture(null);
            }
            CompletableFuture<DopplerQueries.Gathered> gathered = containerMetrics
                    ? queries.containerMetrics(route.appId()) : queries.recentLogs(route.appId());
            return gathered.thenAccept(result -> ctx.executor().execute(() -> {
                long elapsed = System.nanoTime() - started;
                if (containerMetrics) {
                    metrics.containerMetricsLatency(elapsed);
                } else {
                    metrics.recentLogsLatency(elapsed);
                }
                respond(ctx, keepAlive, route, result, containerMetrics, limit.getAsInt());
            }));
        }).exceptionally(error -> {
            LOG.error("{} failed", requestLine, error);
            ctx.executor().execute(() -> HttpResponses.send(ctx,
                    HttpResponses.text(HttpResponseStatus.INTERNAL_SERVER_ERROR, ""), false));
            return null;
        });
    }

    private void badLimit(ChannelHandlerContext ctx, String requestLine, boolean keepAlive) {
        metrics.refused("bad_limit");
        LOG.info(BadInput.MARKER, "{} from {}: 400, bad limit", requestLine, ClientAddress.of(ctx.channel()));
        HttpResponses.send(ctx, HttpResponses.text(HttpResponseStatus.BAD_REQUEST,
                "limit must be a non-negative integer\n"), keepAlive);
    }

    private void respond(ChannelHandlerContext ctx, boolean keepAlive, Route route, DopplerQueries.Gathered result,
                         boolean containerMetrics, int limit) {
        if (result.answered() == 0) {
            LOG.warn("{} of app {}: no Doppler answered ({} asked)", containerMetrics ? "container metrics" : "recent logs",
                    route.appId(), result.asked());
            HttpResponses.send(ctx, HttpResponses.text(HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "no Doppler answered\n"), keepAlive);
            return;
        }
        List<byte[]> envelopes = containerMetrics ? NewestContainerMetrics.select(result.envelopes())
                : NewestLogs.select(result.envelopes(), limit);
        String boundary = MultipartBody.newBoundary();
        ByteBuf body = MultipartBody.encode(ctx.alloc(), boundary, envelopes);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, MultipartBody.contentType(boundary));
        LOG.debug("{} of app {} for {}: {} of {} envelopes from {}/{} Dopplers", containerMetrics ? "container metrics"
                : "recent logs", route.appId(), ClientAddress.of(ctx.channel()), envelopes.size(), result.envelopes().size(),
                result.answered(), result.asked());
        HttpResponses.send(ctx, response, keepAlive);
    }
}
