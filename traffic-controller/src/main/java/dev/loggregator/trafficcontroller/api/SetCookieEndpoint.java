package dev.loggregator.trafficcontroller.api;

import dev.loggregator.trafficcontroller.auth.AuthorizationCookie;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /set-cookie} (loggregator-v1-reference §2.7): a browser UI posts form values
 * {@code CookieName}/{@code CookieValue} and gets the cookie set for {@code doppler.<system_domain>}
 * (Secure, HttpOnly) with CORS headers, because it cannot put an Authorization header on a
 * WebSocket upgrade. A page of this same origin (the web viewer) gets a cookie it can keep
 * ({@link AuthorizationCookie}).
 */
final class SetCookieEndpoint {
    private final String domain;

    SetCookieEndpoint(String systemDomain) {
        this.domain = "doppler." + systemDomain;
    }

    void handle(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        Map<String, List<String>> form = new HashMap<>(new QueryStringDecoder(request.uri()).parameters());
        String contentType = request.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
        if (request.content().isReadable()) {
            if (!contentType.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
                HttpResponses.send(ctx, HttpResponses.text(HttpResponseStatus.BAD_REQUEST,
                        "expected an application/x-www-form-urlencoded body\n"), keepAlive);
                return;
            }
            // Body values take precedence over the query string, as Go's ParseForm does.
            form.putAll(new QueryStringDecoder(request.content().toString(StandardCharsets.UTF_8), false).parameters());
        }
        String name = first(form, "CookieName");
        String value = first(form, "CookieValue");
        if (name == null || name.isEmpty() || !isToken(name)) {
            HttpResponses.send(ctx, HttpResponses.text(HttpResponseStatus.BAD_REQUEST,
                    "CookieName must be a cookie name\n"), keepAlive);
            return;
        }
        if (value != null && !isCookieValue(value)) {
            // Go's SetCookie silently drops such bytes; a value with CR/LF cannot even be a header.
            HttpResponses.send(ctx, HttpResponses.text(HttpResponseStatus.BAD_REQUEST,
                    "CookieValue holds characters a cookie cannot carry\n"), keepAlive);
            return;
        }
        FullHttpResponse response = HttpResponses.text(HttpResponseStatus.OK, "");
        response.headers().add(HttpHeaderNames.SET_COOKIE,
                AuthorizationCookie.encode(request, name, value == null ? "" : value, domain));
        response.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
        response.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, request.headers().get(HttpHeaderNames.ORIGIN, ""));
        response.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, "Content-Type");
        HttpResponses.send(ctx, response, keepAlive);
    }

    private static boolean isToken(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c >= 127 || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * What Go's {@code http.SetCookie} lets through (RFC 6265 cookie-octets, plus space and comma,
     * which make it quote the value): printable ASCII but {@code "}, {@code ;} and {@code \\}.
     */
    private static boolean isCookieValue(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c >= 0x7F || c == '"' || c == ';' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    private static String first(Map<String, List<String>> form, String key) {
        List<String> values = form.get(key);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
