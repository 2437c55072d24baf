package dev.loggregator.trafficcontroller.v2;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.loggregator.trafficcontroller.metrics.SelfMetricsEmitter;
import dev.loggregator.wire.notice.DropNotices;
import dev.loggregator.wire.v2.V1ToV2Converter;
import dev.loggregator.wire.v2.select.EnvelopeSelection;
import java.util.ArrayList;
import java.util.List;
import org.cloudfoundry.dropsonde.events.EventFactory;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;

/**
 * What a v2 reader (gRPC egress or {@code /v2/read}) is told of the envelopes of an app it lost: the v2
 * form of the v1 TruncatingBuffer pair, an {@code LGR} ERR log in the app's name (source id) and the
 * {@code TruncatingBuffer.DroppedMessages} counter, but only those of the two its selectors take. The real
 * reverse log proxy tells a v2 reader nothing in its stream (it counts {@code loggregator.rlp.dropped} and
 * logs), so a reader never finds an envelope its own selectors would not have let through: one reading
 * an app's logs gets the log, one reading counters of every source the counter, one reading only gauges
 * nothing (it has the Traffic Controller's drop counters, as with the real RLP).
 */
public final class V2DropNotices {
    private final EnvelopeSelection selection;

    public V2DropNotices(EnvelopeSelection selection) {
        this.selection = selection;
    }

    /** The notices of {@code dropped} envelopes of {@code app} ({@code total} over the stream's life) the reader takes. */
    public List<Envelope> of(String app, long dropped, long total, String destination, long nowNanos) {
        List<Envelope> notices = new ArrayList<>(2);
        add(notices, DropNotices.logMessage(SelfMetricsEmitter.ORIGIN, app, dropped, total, destination, nowNanos));
        add(notices, DropNotices.counterEvent(SelfMetricsEmitter.ORIGIN, dropped, total, nowNanos));
        return notices;
    }

    private void add(List<Envelope> notices, byte[] v1) {
        Envelope v2;
        try {
            v2 = V1ToV2Converter.convert(EventFactory.Envelope.parseFrom(v1));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("a notice we just built does not parse", e);
        }
        if (selection.matches(v2)) {
            notices.add(v2);
        }
    }
}
