package dev.loggregator.gateway.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.List;

/**
 * Removes the headers that describe one connection rather than the message (RFC 9110 §7.6.1):
 * the fixed list plus every name the {@code Connection} header lists. {@code Transfer-Encoding}
 * goes too; the encoder re-adds chunked framing where the body needs it.
 */
public final class HopByHopHeaders {
    private static final List<AsciiString> FIXED = List.of(
            HttpHeaderNames.CONNECTION, AsciiString.cached("keep-alive"), AsciiString.cached("proxy-connection"),
            HttpHeaderNames.TE, HttpHeaderNames.TRAILER, HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderNames.UPGRADE,
            HttpHeaderNames.PROXY_AUTHORIZATION, HttpHeaderNames.PROXY_AUTHENTICATE);
    /** Never dropped because a peer listed them in {@code Connection}: routing and framing depend on them. */
    private static final List<AsciiString> PROTECTED = List.of(HttpHeaderNames.HOST, HttpHeaderNames.CONTENT_LENGTH);

    private HopByHopHeaders() {
    }

    public static void strip(HttpHeaders headers) {
        for (String value : headers.getAll(HttpHeaderNames.CONNECTION)) {
            for (String token : value.split(",")) {
                String name = token.trim();
                if (!name.isEmpty() && PROTECTED.stream().noneMatch(p -> p.contentEqualsIgnoreCase(name))) {
                    headers.remove(name);
                }
            }
        }
        for (AsciiString name : FIXED) {
            headers.remove(name);
        }
    }
}
