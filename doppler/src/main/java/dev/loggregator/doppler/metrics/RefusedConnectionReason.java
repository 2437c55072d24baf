package dev.loggregator.doppler.metrics;

/** Why this Doppler refused a request or closed a connection. */
public enum RefusedConnectionReason implements MetricLabel {
    /** Opened a connection and sent nothing for doppler.idle_connection_timeout_seconds. */
    IDLE("idle"),
    /** A length prefix above doppler.max_envelope_bytes: the stream cannot be re-synchronised. */
    OVERSIZE_FRAME("oversize_frame"),
    /** Not HTTP, or an HTTP request the egress port does not serve. */
    BAD_REQUEST("bad_request"),
    /** TLS handshake failed (no or untrusted client certificate, not TLS at all). */
    TLS_HANDSHAKE("tls_handshake"),
    /**
     * A gRPC ingress connection that closed before its TLS and HTTP/2 handshake completed: not
     * HTTP/2, TLS refused, nothing sent within the idle timeout, or a client (or TCP probe) that
     * hung up first. gRPC does not say which.
     */
    GRPC_HANDSHAKE("grpc_handshake"),
    /** A gRPC connection closed for an HTTP/2 connection error (an oversized frame, a protocol violation). */
    HTTP2_ERROR("http2_error"),
    /** A subscriber link sent nothing (not even a ping) for the liveness timeout. */
    SUBSCRIBER_SILENT("subscriber_silent"),
    /** An egress request without the internal credential (properties.internal_secret). */
    UNAUTHORIZED("unauthorized");

    private final String label;

    RefusedConnectionReason(String label) {
        this.label = label;
    }

    @Override
    public String label() {
        return label;
    }
}
