package dev.loggregator.trafficcontroller.api;

import dev.loggregator.trafficcontroller.auth.AccessDecision;
import dev.loggregator.trafficcontroller.auth.AccessPolicy;
import dev.loggregator.trafficcontroller.auth.BearerToken;
import dev.loggregator.trafficcontroller.dopplers.DopplerQueries;
import dev.loggregator.trafficcontroller.metrics.TrafficControllerMetrics;
import dev.loggregator.wire.drains.DrainReport;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /drains[?app=ID]}: the syslog drains in force on every Doppler and their state
 * ({@link DrainReport.Gathered} as JSON), what {@code logs drains} shows. One app's drains for whoever
 * may read that app; every app's for a token with an admin scope. 503 when no Doppler answered.
 */
final class DrainsEndpoint {
    static final String PATH = "/drains";
    private static final Logger LOG = LoggerFactory.getLogger(DrainsEndpoint.class);

    private final AccessPolicy policy;
    private final DopplerQueries queries;
    private final TrafficControllerMetrics metrics;

    DrainsEndpoint(AccessPolicy policy, DopplerQueries queries, TrafficControllerMetrics metrics) {
        this.policy = policy;
        this.queries = queries;
        this.metrics = metrics;
    }

    void handle(ChannelHandlerContext ctx, FullHttpRequest request, Route route) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        String requestLine = request.method() + " " + request.uri();
        if (!request.method().equals(HttpMethod.GET)) {
            HttpResponses.send(ctx, HttpResponses.text(HttpResponseStatus.METHOD_NOT_ALLOWED, "GET only\n"), keepAlive);
            return;
        }
        String app = route.appId() == null || route.appId().isEmpty() ? null : route.appId();
        String authorization = BearerToken.authorization(request);
        CompletableFuture<AccessDecision> access = app == null ? policy.operator(authorization) : policy.app(authorization, app);
        access.thenCompose(decision -> {
            if (!decision.isAllowed()) {
                ctx.executor().execute(() -> Refusals.send(ctx, requestLine, keepAlive, decision, metrics));
                return CompletableFuture.completedFuture(null);
            }
            return queries.drains(app).thenAccept(gathered -> ctx.executor().execute(() -> respond(ctx, keepAlive, gathered)));
        }).exceptionally(error -> {
            LOG.error("{} failed", requestLine, error);
            ctx.executor().execute(() -> HttpResponses.send(ctx,
                    HttpResponses.text(HttpResponseStatus.INTERNAL_SERVER_ERROR, ""), false));
            return null;
        });
    }

    private static void respond(ChannelHandlerContext ctx, boolean keepAlive, DrainReport.Gathered gathered) {
        if (gathered.answered() == 0 && gathered.asked() > 0) {
            HttpResponses.send(ctx, HttpResponses.text(HttpResponseStatus.SERVICE_UNAVAILABLE, "no Doppler answered\n"), keepAlive);
            return;
        }
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.wrappedBuffer(gathered.toJson()));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        HttpResponses.send(ctx, response, keepAlive);
    }
}
