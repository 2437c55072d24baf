package dev.loggregator.doppler.ingress;

import dev.loggregator.doppler.logging.RateLimitedLog;
import dev.loggregator.doppler.metrics.DopplerMetrics;
import dev.loggregator.doppler.metrics.DropReason;
import dev.loggregator.doppler.metrics.IngressProtocol;
import dev.loggregator.doppler.routing.IngressBuffer;
import dev.loggregator.doppler.routing.RoutedEnvelope;
import dev.loggregator.wire.MalformedEnvelopeException;
import dev.loggregator.wire.routing.EnvelopeRouting;
import dev.loggregator.wire.routing.V2LogScan;
import dev.loggregator.wire.transcode.V2LogToV1Bytes;
import dev.loggregator.wire.v2.V2ToV1Converter;
import java.util.ArrayList;
import java.util.List;
import org.cloudfoundry.dropsonde.events.EventFactory;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope.EventType;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where every ingress listener hands its envelopes: checks them, reads the routing key once and
 * passes them to the {@link IngressBuffer} in the form they arrived in (v2 with its v1 form beside it). Bad envelopes are
 * counted and logged (rate-limited) and cost nothing else; the caller's connection carries on.
 */
public final class EnvelopeIntake {
    private static final Logger LOG = LoggerFactory.getLogger(EnvelopeIntake.class);

    private final IngressBuffer buffer;
    private final DopplerMetrics metrics;
    private final int maxEnvelopeBytes;
    private static final byte[][] NO_V1 = new byte[0][];

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

    /**
     * A v2 envelope from the gRPC Ingress service: {@code original} is its bytes as received and
     * {@code v2} their parse. It travels as it came; its v1 form (zero, one or several envelopes) is
     * made here, off the router thread, because v1 app streams route on it. A v1 form that cannot be
     * made or is too large is dropped for v1 consumers only, and counted.
     */
    public void acceptV2(LoggregatorEnvelope.Envelope v2, byte[] original, Object peer) {
        if (original.length > maxEnvelopeBytes) {
            reject(DropReason.OVERSIZE, IngressProtocol.GRPC_V2, peer, original.length + " bytes, above doppler.max_envelope_bytes");
            return;
        }
        metrics.ingress().increment(IngressProtocol.GRPC_V2);
        offerV2(v2, original, peer);
    }

    /**
     * A plain v2 log from the gRPC Ingress service, scanned rather than parsed ({@link V2LogScan}): its v1
     * form is written from the bytes the scan located.
     */
    public void acceptV2Log(V2LogScan log, byte[] original, Object peer) {
        if (original.length > maxEnvelopeBytes) {
            reject(DropReason.OVERSIZE, IngressProtocol.GRPC_V2, peer, original.length + " bytes, above doppler.max_envelope_bytes");
            return;
        }
        metrics.ingress().increment(IngressProtocol.GRPC_V2);
        byte[] v1 = log.v1();
        buffer.offer(RoutedEnvelope.fromV2Log(original, log, withinLimit(v1, peer) ? new byte[][] {v1} : NO_V1));
    }

    private void offerV2(LoggregatorEnvelope.Envelope v2, byte[] original, Object peer) {
        V2LogToV1Bytes.Result log = V2LogToV1Bytes.transcode(v2);
        if (log != null) {
            byte[][] v1 = withinLimit(log.envelope(), peer) ? new byte[][] {log.envelope()} : NO_V1;
            buffer.offer(RoutedEnvelope.fromV2(original, v2, v1, log.appId(), EventType.LogMessage));
            return;
        }
        List<EventFactory.Envelope> converted;
        try {
            converted = V2ToV1Converter.convert(v2);
        } catch (RuntimeException e) {
            reject(DropReason.MALFORMED, IngressProtocol.GRPC_V2, peer, "no v1 form: " + e.getMessage());
            converted = List.of();
        }
        List<byte[]> v1 = new ArrayList<>(converted.size());
        EnvelopeRouting.Routing routing = null;
        for (EventFactory.Envelope envelope : converted) {
            byte[] bytes = envelope.toByteArray();
            if (!withinLimit(bytes, peer)) {
                continue;
            }
            try {
                routing = EnvelopeRouting.read(bytes);
                v1.add(bytes);
            } catch (MalformedEnvelopeException e) {
                reject(DropReason.MALFORMED, IngressProtocol.GRPC_V2, peer, "v1 form: " + e.getMessage());
            }
        }
        buffer.offer(RoutedEnvelope.fromV2(original, v2, v1.toArray(NO_V1),
                routing == null ? null : routing.appId(), routing == null ? null : routing.eventType()));
    }

    private boolean withinLimit(byte[] v1, Object peer) {
        if (v1.length <= maxEnvelopeBytes) {
            return true;
        }
        reject(DropReason.OVERSIZE, IngressProtocol.GRPC_V2, peer,
                v1.length + " bytes as v1, above doppler.max_envelope_bytes (kept for v2 consumers)");
        return false;
    }

    private void route(byte[] bytes, IngressProtocol protocol) {
        EnvelopeRouting.Routing routing = EnvelopeRouting.read(bytes);
        metrics.ingress().increment(protocol);
        buffer.offer(RoutedEnvelope.fromV1(routing, bytes));
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
        buffer.offer(RoutedEnvelope.fromV1(routing.appId(), routing.eventType(), bytes));
    }

    /** Puts a v2 envelope this Doppler made itself (a syslog drain notice to an app) into its own stream. */
    public void acceptOwn(LoggregatorEnvelope.Envelope envelope) {
        offerV2(envelope, envelope.toByteArray(), "this Doppler");
    }

    public int maxEnvelopeBytes() {
        return maxEnvelopeBytes;
    }
}
