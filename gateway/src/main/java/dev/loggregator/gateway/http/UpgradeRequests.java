package dev.loggregator.gateway.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * WebSocket upgrade detection as gorouter does it: any {@code Connection} header (repeated or a
 * comma list such as Firefox's {@code keep-alive, Upgrade}) carries the {@code upgrade} token, and
 * {@code Upgrade} names {@code websocket}; both case-insensitive.
 */
public final class UpgradeRequests {
    private UpgradeRequests() {
    }

    public static boolean isWebSocket(HttpHeaders headers) {
        return hasToken(headers, HttpHeaderNames.CONNECTION, "upgrade") && hasToken(headers, HttpHeaderNames.UPGRADE, "websocket");
    }

    static boolean hasToken(HttpHeaders headers, CharSequence name, String token) {
        for (String value : headers.getAll(name)) {
            for (String part : value.split(",")) {
                if (part.trim().equalsIgnoreCase(token)) {
                    return true;
                }
            }
        }
        return false;
    }
}
