package dev.loggregator.wire.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OpeningHandshakeTest {
    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    @Test
    void aValidHandshakeInAnyCaseAndTokenListPasses() {
        assertNull(check("GET", Map.of("connection", List.of("keep-alive, Upgrade"), "upgrade", List.of("WebSocket"),
                "sec-websocket-version", List.of("13"), "sec-websocket-key", List.of(KEY))));
        assertNull(check("GET", Map.of("connection", List.of("keep-alive", "upgrade"), "upgrade", List.of("h2c, websocket"),
                "sec-websocket-version", List.of("8, 13"), "sec-websocket-key", List.of(KEY))));
    }

    @Test
    void refusalsFollowGorillasOrderAndStatuses() {
        Map<String, List<String>> valid = Map.of("connection", List.of("Upgrade"), "upgrade", List.of("websocket"),
                "sec-websocket-version", List.of("13"), "sec-websocket-key", List.of(KEY));
        assertEquals(400, check("GET", without(valid, "connection")).status());
        assertEquals(400, check("GET", with(valid, "connection", "upgraded")).status());
        assertEquals(400, check("POST", without(valid, "upgrade")).status(), "not an upgrade comes before the method");
        assertEquals(405, check("POST", valid).status());
        assertEquals(405, check("HEAD", valid).status());
        assertEquals(400, check("GET", without(valid, "sec-websocket-version")).status());
        assertEquals(400, check("GET", with(valid, "sec-websocket-version", "8")).status());
        assertEquals(400, check("GET", without(valid, "sec-websocket-key")).status());
        assertEquals(400, check("GET", with(valid, "sec-websocket-key", "")).status());
        assertEquals(400, check("GET", with(valid, "sec-websocket-key", "not base64!")).status());
        assertEquals(400, check("GET", with(valid, "sec-websocket-key", "c2hvcnQ=")).status(), "5 bytes, not 16");
    }

    private static OpeningHandshake.Refusal check(String method, Map<String, List<String>> headers) {
        return OpeningHandshake.check(method, name -> headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of()));
    }

    private static Map<String, List<String>> without(Map<String, List<String>> headers, String name) {
        Map<String, List<String>> copy = new HashMap<>(headers);
        copy.remove(name);
        return copy;
    }

    private static Map<String, List<String>> with(Map<String, List<String>> headers, String name, String value) {
        Map<String, List<String>> copy = new HashMap<>(headers);
        copy.put(name, List.of(value));
        return copy;
    }
}
