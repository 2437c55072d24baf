package dev.loggregator.doppler.ingress;

import dev.loggregator.doppler.logging.RateLimitedLog;
import dev.loggregator.doppler.metrics.DopplerMetrics;
import dev.loggregator.doppler.metrics.DropReason;
import dev.loggregator.doppler.metrics.IngressProtocol;
import dev.loggregator.doppler.routing.IngressBuffer;
import dev.loggregator.doppler.routing.RoutedEnvelope;
import dev.loggregator.wire.MalformedEnvelopeException;
import dev.loggregator.wire.routing.EnvelopeRouting;
import dev.loggregator.wire.transcode.V2LogToV1Bytes;
import dev.loggregator.wire.v2.V2ToV1Converter;
import java.util.List;
import org.cloudfoundry.dropsonde.events.EventFactory;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope.EventType;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where every ingress listener hands its envelopes: checks them, turns them into v1 bytes once,
 * reads the routing key once and passes them to the {@link IngressBuffer}. Bad envelopes are
 * counted and logged (rate-limited) and cost nothing else; the caller's connection carries on.
 */
public final class EnvelopeIntake {
    private static final Logger LOG = LoggerFactory.getLogger(EnvelopeIntake.class);

    private final IngressBuffer buffer;
    private final DopplerMetrics metrics;
    private final int maxEnvelopeBytes;
    private final RateLimitedLog badInputLog = new RateLimitedLog(LOG);

    public EnvelopeIntake(IngressBuffer buffer, DopplerMetrics metrics, int maxEnvelopeBytes) {
        this.buffer = buffer;
        this.metrics = metrics;
        this.maxEnvelopeBytes = maxEnvelopeBytes;
    }

    /**
     * A marshalled v1 envelope from the TCP, TLS or UDP listener or the v1 gRPC Pusher. The
     * routing scan checks it as protobuf-java would (required fields included): an envelope
     * that passes parses for every consumer downstream.
     */
    public void acceptV1(byte[] envelope, IngressProtocol protocol, Object peer) {
        if (envelope.length > maxEnvelopeBytes) {
            reject(DropReason.OVERSIZE, protocol, peer, envelope.length + " bytes, above doppler.max_envelope_bytes");
            return;
        }
        try {
            route(envelope, protocol);
        } catch (MalformedEnvelopeException e) {
            reject(DropReason.MALFORMED, protocol, peer, e.getMessage());
        }
    }

    /** A v2 envelope from the gRPC Ingress service: converted to v1 (zero, one or several envelopes). */
    public void acceptV2(LoggregatorEnvelope.Envelope v2, Object peer) {
        V2LogToV1Bytes.Result log = V2LogToV1Bytes.transcode(v2);
        if (log != null) {
            if (log.envelope().length > maxEnvelopeBytes) {
                reject(DropReason.OVERSIZE, IngressProtocol.GRPC_V2, peer,
                        log.envelope().length + " bytes as v1, above doppler.max_envelope_bytes");
                return;
            }
            metrics.ingress().increment(IngressProtocol.GRPC_V2);
            buffer.offer(new RoutedEnvelope(log.appId(), EventType.LogMessage, log.envelope()));
            return;
        }
        List<EventFactory.Envelope> converted;
        try {
            converted = V2ToV1Converter.convert(v2);
        } catch (RuntimeException e) {
            reject(DropReason.MALFORMED, IngressProtocol.GRPC_V2, peer, "cannot convert to v1: " + e.getMessage());
            return;
        }
        if (converted.isEmpty()) {
            metrics.dropped().increment(DropReason.NO_V1_FORM);
            return;
        }
        for (EventFactory.Envelope v1 : converted) {
            byte[] bytes = v1.toByteArray();
            if (bytes.length > maxEnvelopeBytes) {
                reject(DropReason.OVERSIZE, IngressProtocol.GRPC_V2, peer,
                        bytes.length + " bytes as v1, above doppler.max_envelope_bytes");
                continue;
            }
            try {
                route(bytes, IngressProtocol.GRPC_V2);
            } catch (MalformedEnvelopeException e) {
                reject(DropReason.MALFORMED, IngressProtocol.GRPC_V2, peer, e.getMessage());
            }
        }
    }

    private void route(byte[] bytes, IngressProtocol protocol) {
        EnvelopeRouting.Routing routing = EnvelopeRouting.read(bytes);
        metrics.ingress().increment(protocol);
        buffer.offer(new RoutedEnvelope(routing.appId(), routing.eventType(), bytes));
    }

    /** Counts and logs an envelope that was refused; {@code detail} says why. */
    public void reject(DropReason reason, IngressProtocol protocol, Object peer, String detail) {
        metrics.dropped().increment(reason);
        badInputLog.warn("Dropped a {} envelope from {} ({}): {}", protocol.label(), peer, reason.label(), detail);
    }

    /** Puts an envelope this Doppler made itself (self-metrics) into its own stream. */
    public void acceptOwn(EventFactory.Envelope envelope) {
        byte[] bytes = envelope.toByteArray();
        EnvelopeRouting.Routing routing = EnvelopeRouting.read(bytes);
        buffer.offer(new RoutedEnvelope(routing.appId(), routing.eventType(), bytes));
    }

    public int maxEnvelopeBytes() {
        return maxEnvelopeBytes;
    }
}
