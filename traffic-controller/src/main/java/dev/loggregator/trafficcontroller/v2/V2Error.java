package dev.loggregator.trafficcontroller.v2;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * The RLP gateway's error answers ({@code rlp-gateway/internal/web/json_error.go}): a status and the
 * body {@code {"message":"...","error":"..."}} followed by two newlines (Go's JSON encoder ends the
 * document with one and {@code http.Error} adds another), as {@code text/plain; charset=utf-8}.
 */
final class V2Error extends Exception {
    private static final long serialVersionUID = 1L;

    static final V2Error METHOD_NOT_ALLOWED = new V2Error(HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed", "method not allowed");
    static final V2Error EMPTY_QUERY = new V2Error(HttpResponseStatus.BAD_REQUEST, "empty_query", "query cannot be empty");
    static final V2Error MISSING_ENVELOPE_TYPE = new V2Error(HttpResponseStatus.BAD_REQUEST, "missing_envelope_type",
            "query must provide at least one envelope type");
    static final V2Error STREAMING_UNAVAILABLE = new V2Error(HttpResponseStatus.SERVICE_UNAVAILABLE, "streaming_unavailable",
            "streaming is temporarily unavailable");
    static final V2Error NOT_FOUND = new V2Error(HttpResponseStatus.NOT_FOUND, "not_found", "resource not found");

    private final HttpResponseStatus status;
    private final String name;

    V2Error(HttpResponseStatus status, String name, String message) {
        super(message, null, false, false);
        this.status = status;
        this.name = name;
    }

    HttpResponseStatus status() {
        return status;
    }

    String body() {
        return "{\"message\":\"" + getMessage() + "\",\"error\":\"" + name + "\"}\n\n";
    }
}
