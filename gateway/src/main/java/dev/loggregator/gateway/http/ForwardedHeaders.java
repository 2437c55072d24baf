package dev.loggregator.gateway.http;

import dev.loggregator.gateway.proxyprotocol.ClientAddress;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The headers a backend needs to know who asked and how, added to plain requests and to
 * WebSocket handshakes alike (Hipache skipped them on upgrades): {@code X-Forwarded-For} appended
 * (never replaced), {@code X-Forwarded-Proto}/{@code -Port} set to what this listener is, or for
 * the port the PROXY header's destination (the gateway, or the load balancer in front of it, is the
 * front door, so a client's own claim is not kept), {@code X-Request-Start} (ms since
 * the epoch) when absent, and a request id, kept when the client sent a sane one, generated otherwise.
 */
public final class ForwardedHeaders {
    static final String X_FORWARDED_FOR = "X-Forwarded-For";
    static final String X_FORWARDED_PROTO = "X-Forwarded-Proto";
    static final String X_FORWARDED_PORT = "X-Forwarded-Port";
    static final String X_REQUEST_START = "X-Request-Start";

    private ForwardedHeaders() {
    }

    /** Returns the request id in effect. */
    public static String apply(HttpHeaders headers, InetSocketAddress client, String scheme, int port,
            String requestIdHeader, long startMillis) {
        List<String> previous = headers.getAll(X_FORWARDED_FOR);
        String clientIp = ClientAddress.ip(client);
        headers.set(X_FORWARDED_FOR, previous.isEmpty() ? clientIp : String.join(", ", previous) + ", " + clientIp);
        headers.set(X_FORWARDED_PROTO, scheme);
        headers.set(X_FORWARDED_PORT, Integer.toString(port));
        if (!headers.contains(X_REQUEST_START)) {
            headers.set(X_REQUEST_START, Long.toString(startMillis));
        }
        String requestId = headers.get(requestIdHeader);
        if (requestId == null || !saneId(requestId) || headers.getAll(requestIdHeader).size() > 1) {
            requestId = randomId();
            headers.set(requestIdHeader, requestId);
        }
        return requestId;
    }

    /** A version-4 UUID from a fast non-blocking generator: ids must be unique, not secret. */
    private static String randomId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long most = (random.nextLong() & ~0xF000L) | 0x4000L;
        long least = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(most, least).toString();
    }

    private static boolean saneId(String id) {
        return !id.isEmpty() && id.length() <= 200 && id.chars().allMatch(c -> c > 32 && c < 127);
    }
}
