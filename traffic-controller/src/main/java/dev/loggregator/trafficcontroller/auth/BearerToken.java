package dev.loggregator.trafficcontroller.auth;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Where a client's token comes from (loggregator-v1-reference §2.2): the {@code Authorization}
 * header verbatim, else the {@code authorization} cookie URL-unescaped (browsers cannot set
 * headers on WebSocket upgrades). No query-string token.
 */
public final class BearerToken {
    public static final String COOKIE_NAME = "authorization";

    private BearerToken() {
    }

    /** The authorization value as the client sent it ({@code bearer <jwt>}), or null. */
    public static String authorization(HttpRequest request) {
        String header = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (header != null && !header.isBlank()) {
            return header.trim();
        }
        for (String cookieHeader : request.headers().getAll(HttpHeaderNames.COOKIE)) {
            for (Cookie cookie : ServerCookieDecoder.LAX.decodeAll(cookieHeader)) {
                if (COOKIE_NAME.equals(cookie.name()) && !cookie.value().isBlank()) {
                    try {
                        return URLDecoder.decode(cookie.value(), StandardCharsets.UTF_8).trim();
                    } catch (IllegalArgumentException e) {
                        return cookie.value().trim();
                    }
                }
            }
        }
        return null;
    }

    /**
     * The token itself: the authorization value without its {@code bearer} scheme, or null when the
     * value names no scheme or another one ({@code Basic ...}, a bare token). The scheme is matched
     * without regard to case, as RFC 9110 §11.1 says (Go's oauth2 clients send {@code Bearer}).
     */
    public static String strip(String authorization) {
        if (authorization.length() > 7 && authorization.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
            String token = authorization.substring(7).trim();
            return token.isEmpty() ? null : token;
        }
        return null;
    }
}
