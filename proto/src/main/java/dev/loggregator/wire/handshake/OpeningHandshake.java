package dev.loggregator.wire.handshake;

import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Checks a WebSocket opening handshake (RFC 6455 §4.2.1) the way gorilla's {@code Upgrader} does
 * in the Go Traffic Controller, so clients see the same refusals: 400 for a request that is not an
 * upgrade, 405 for a method other than GET, 400 for a version other than 13 or a bad key. Servers
 * check before handing the request to a handshaker library, which would otherwise answer an old
 * draft (no version header) or throw (no key).
 */
public final class OpeningHandshake {
    /** The only version spoken; refusals carry it in {@code Sec-WebSocket-Version} as gorilla's do. */
    public static final String VERSION = "13";
    private static final int KEY_BYTES = 16;

    /** Why a request was refused: the HTTP status to answer and a reason for the server's log. */
    public record Refusal(int status, String reason) {
    }

    private OpeningHandshake() {
    }

    /**
     * @param method  the request method
     * @param headers every value of a header, by case-insensitive name (empty when absent)
     * @return null when the request is a valid opening handshake, else its refusal
     */
    public static Refusal check(String method, Function<String, List<String>> headers) {
        if (!hasToken(headers.apply("Connection"), "upgrade")) {
            return new Refusal(400, "'upgrade' token not found in 'Connection' header");
        }
        if (!hasToken(headers.apply("Upgrade"), "websocket")) {
            return new Refusal(400, "'websocket' token not found in 'Upgrade' header");
        }
        if (!"GET".equals(method)) {
            return new Refusal(405, "request method is not GET");
        }
        if (!hasToken(headers.apply("Sec-WebSocket-Version"), VERSION)) {
            return new Refusal(400, "unsupported version: 13 not found in 'Sec-WebSocket-Version' header");
        }
        List<String> keys = headers.apply("Sec-WebSocket-Key");
        if (keys.size() != 1 || !isKey(keys.get(0))) {
            return new Refusal(400, "'Sec-WebSocket-Key' header must be the Base64 of 16 bytes");
        }
        return null;
    }

    /** Whether a comma-separated token list (over all of a header's values) holds the token, in any case. */
    static boolean hasToken(List<String> values, String token) {
        for (String value : values) {
            for (String part : value.split(",")) {
                if (part.trim().toLowerCase(Locale.ROOT).equals(token)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean isKey(String key) {
        try {
            return Base64.getDecoder().decode(key.trim()).length == KEY_BYTES;
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
    }
}
