package dev.loggregator.trafficcontroller.ui;

import dev.loggregator.trafficcontroller.api.HttpResponses;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** The viewer's answers: every one with the page's security headers; JSON never cached. */
final class UiResponses {
    static final ObjectMapper JSON = new ObjectMapper();
    /** Only this origin's scripts, styles and connections; uPlot sets element styles, hence inline styles. */
    private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
            + "frame-ancestors 'none'; form-action 'self'";

    private UiResponses() {
    }

    static FullHttpResponse of(HttpResponseStatus status, byte[] body, String contentType) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        if (contentType != null) {
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        }
        response.headers()
                .set("X-Content-Type-Options", "nosniff")
                .set("Content-Security-Policy", CSP)
                .set("Referrer-Policy", "no-referrer")
                .set("X-Frame-Options", "DENY");
        return response;
    }

    static FullHttpResponse text(HttpResponseStatus status, String body) {
        return of(status, body.getBytes(StandardCharsets.UTF_8), body.isEmpty() ? null : "text/plain; charset=utf-8");
    }

    static FullHttpResponse json(HttpResponseStatus status, Object body) {
        try {
            FullHttpResponse response = of(status, JSON.writeValueAsBytes(body), "application/json");
            response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
            return response;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("maps of strings and numbers always serialise", e);
        }
    }

    static FullHttpResponse redirect(HttpResponseStatus status, String location) {
        FullHttpResponse response = text(status, "");
        response.headers().set(HttpHeaderNames.LOCATION, location);
        return response;
    }

    /** Sends; a HEAD request gets the head alone with the length the body would have had. */
    static void send(ChannelHandlerContext ctx, HttpRequest request, FullHttpResponse response) {
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        if (request.method().name().equals("HEAD")) {
            response.content().clear();
        }
        HttpResponses.send(ctx, response, HttpUtil.isKeepAlive(request));
    }
}
