package dev.loggregator.doppler.ingress.grpc;

import dev.loggregator.doppler.logging.RateLimitedLog;
import dev.loggregator.doppler.metrics.DopplerMetrics;
import dev.loggregator.doppler.metrics.RefusedConnectionReason;
import io.grpc.Attributes;
import io.grpc.ServerTransportFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts gRPC connections that end before their TLS and HTTP/2 handshake completed (garbage or
 * plaintext on the port, a refused client certificate, the handshake timeout): gRPC closes them
 * without a call, so no stream tracer sees them. gRPC marks a connection ready when the client's
 * first HTTP/2 SETTINGS arrive; a connection whose attributes never got our mark was never ready.
 * gRPC gives neither the reason nor, before that point, the peer's address.
 */
final class HandshakeFailureCounter extends ServerTransportFilter {
    private static final Logger LOG = LoggerFactory.getLogger(HandshakeFailureCounter.class);
    private static final Attributes.Key<Boolean> READY = Attributes.Key.create("doppler-transport-ready");

    private final DopplerMetrics metrics;
    private final RateLimitedLog log = new RateLimitedLog(LOG);

    HandshakeFailureCounter(DopplerMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public Attributes transportReady(Attributes attributes) {
        return attributes.toBuilder().set(READY, Boolean.TRUE).build();
    }

    @Override
    public void transportTerminated(Attributes attributes) {
        if (attributes == null || attributes.get(READY) == null) {
            metrics.refusedConnections().increment(RefusedConnectionReason.GRPC_HANDSHAKE);
            log.warn("A gRPC connection closed before its TLS/HTTP/2 handshake completed");
        }
    }
}
