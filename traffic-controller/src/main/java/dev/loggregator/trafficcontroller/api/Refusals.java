package dev.loggregator.trafficcontroller.api;

import dev.loggregator.logging.BadInput;
import dev.loggregator.trafficcontroller.auth.AccessDecision;
import dev.loggregator.trafficcontroller.metrics.TrafficControllerMetrics;
import dev.loggregator.trafficcontroller.proxyprotocol.ClientAddress;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sends an access refusal exactly as the original (status, body, {@code WWW-Authenticate: Basic}). */
final class Refusals {
    private static final Logger LOG = LoggerFactory.getLogger(Refusals.class);

    private Refusals() {
    }

    static void send(ChannelHandlerContext ctx, FullHttpRequest request, AccessDecision decision,
                     TrafficControllerMetrics metrics) {
        send(ctx, request.method() + " " + request.uri(), HttpUtil.isKeepAlive(request), decision, metrics);
    }

    /** Counted as {@code doppler_proxy_refusals_total{reason="access_<status>"}}. */
    static void send(ChannelHandlerContext ctx, String requestLine, boolean keepAlive, AccessDecision decision,
                     TrafficControllerMetrics metrics) {
        metrics.refused("access_" + decision.status().code());
        LOG.info(BadInput.MARKER, "{} from {}: {}", requestLine, ClientAddress.of(ctx.channel()), decision.status().code());
        FullHttpResponse response = HttpResponses.text(decision.status(), decision.body());
        if (decision.challenge()) {
            response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Basic");
        }
        HttpResponses.send(ctx, response, keepAlive);
    }
}
