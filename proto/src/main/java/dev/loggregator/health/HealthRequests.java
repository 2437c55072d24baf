package dev.loggregator.health;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
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
import io.prometheus.metrics.exporter.common.PrometheusScrapeHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/** Answers the health port's requests: {@code /health}, {@code /metrics} (any query the Prometheus exporter takes), else 404. */
final class HealthRequests extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final PrometheusScrapeHandler scrapes;
    private final Supplier<HealthStatus> status;

    HealthRequests(PrometheusScrapeHandler scrapes, Supplier<HealthStatus> status) {
        this.scrapes = scrapes;
        this.status = status;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) throws IOException {
        if (!request.decoderResult().isSuccess()) {
            send(ctx, request, text(HttpResponseStatus.BAD_REQUEST, "malformed request\n"), false);
            return;
        }
        if (!request.method().equals(HttpMethod.GET) && !request.method().equals(HttpMethod.HEAD)) {
            send(ctx, request, text(HttpResponseStatus.METHOD_NOT_ALLOWED, "only GET and HEAD\n"), true);
            return;
        }
        String path = new QueryStringDecoder(request.uri()).path();
        switch (path) {
            case "/health" -> send(ctx, request, health(status.get()), true);
            case "/metrics" -> scrapes.handleRequest(new ScrapeExchange(request,
                    response -> send(ctx, request, response, true)));
            default -> send(ctx, request, text(HttpResponseStatus.NOT_FOUND, "not found: " + path + "\n"), true);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A probe that hangs up or times out ends its own connection; nothing else shares it.
        ctx.close();
    }

    private static FullHttpResponse health(HealthStatus status) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                status == HealthStatus.UP ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                Unpooled.copiedBuffer("{\"status\":\"" + status + "\"}", StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        return response;
    }

    private static FullHttpResponse text(HttpResponseStatus status, String body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        return response;
    }

    private static void send(ChannelHandlerContext ctx, FullHttpRequest request, FullHttpResponse response, boolean canKeepAlive) {
        boolean keepAlive = canKeepAlive && HttpUtil.isKeepAlive(request);
        HttpUtil.setContentLength(response, response.content().readableBytes());
        HttpUtil.setKeepAlive(response, keepAlive);
        if (request.method().equals(HttpMethod.HEAD)) {
            response.content().clear();
        }
        if (keepAlive) {
            ctx.writeAndFlush(response);
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
