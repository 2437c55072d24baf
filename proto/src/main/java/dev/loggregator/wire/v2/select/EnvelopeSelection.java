package dev.loggregator.wire.v2.select;

import dev.loggregator.wire.v2.V2Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.cloudfoundry.loggregator.v2.LoggregatorEgress.Selector;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;

/**
 * The envelopes a v2 egress request selects (loggregator-api {@code egress.proto}): an envelope is
 * selected when any selector matches it: same message kind, same {@code source_id} when the selector
 * names one, the counter's name when a counter selector names one, and every name of a gauge
 * selector among the gauge's metrics (as the real Doppler's generated filters). An envelope matching
 * several selectors is delivered once.
 */
public final class EnvelopeSelection {
    private record Rule(V2Kind kind, String sourceId, String counterName, List<String> gaugeNames) {
        boolean matches(V2Kind envelopeKind, Envelope envelope) {
            if (envelopeKind != kind || (!sourceId.isEmpty() && !sourceId.equals(envelope.getSourceId()))) {
                return false;
            }
            return switch (kind) {
                case COUNTER -> counterName.isEmpty() || counterName.equals(envelope.getCounter().getName());
                case GAUGE -> envelope.getGauge().getMetricsMap().keySet().containsAll(gaugeNames);
                default -> true;
            };
        }

        boolean needsContent() {
            return !sourceId.isEmpty() || !counterName.isEmpty() || !gaugeNames.isEmpty();
        }
    }

    private final List<Rule> rules;
    private final int kindBits;
    private final boolean needsContent;

    private EnvelopeSelection(List<Rule> rules) {
        this.rules = rules;
        int bits = 0;
        boolean content = false;
        for (Rule rule : rules) {
            bits |= rule.kind().bit();
            content |= rule.needsContent();
        }
        this.kindBits = bits;
        this.needsContent = content;
    }

    /**
     * @throws IllegalArgumentException when there is no selector or one without a message, which
     *     the real reverse log proxy refuses with InvalidArgument
     */
    public static EnvelopeSelection of(List<Selector> selectors) {
        if (selectors.isEmpty()) {
            throw new IllegalArgumentException("Selectors cannot be empty");
        }
        List<Rule> rules = new ArrayList<>(selectors.size());
        for (Selector selector : selectors) {
            V2Kind kind = switch (selector.getMessageCase()) {
                case LOG -> V2Kind.LOG;
                case COUNTER -> V2Kind.COUNTER;
                case GAUGE -> V2Kind.GAUGE;
                case TIMER -> V2Kind.TIMER;
                case EVENT -> V2Kind.EVENT;
                case MESSAGE_NOT_SET -> throw new IllegalArgumentException("Selectors must have a Message");
            };
            rules.add(new Rule(kind, selector.getSourceId(), selector.getCounter().getName(),
                    List.copyOf(selector.getGauge().getNamesList())));
        }
        return new EnvelopeSelection(List.copyOf(rules));
    }

    /** False when no selector can match an envelope of this kind: decided without the envelope's content. */
    public boolean mayMatch(V2Kind kind) {
        return kind != null && (kindBits & kind.bit()) != 0;
    }

    /** True when {@link #mayMatch} alone decides (no selector names a source id or metric). */
    public boolean decidedByKind() {
        return !needsContent;
    }

    public boolean matches(Envelope envelope) {
        V2Kind kind = V2Kind.of(envelope);
        if (!mayMatch(kind)) {
            return false;
        }
        for (Rule rule : rules) {
            if (rule.matches(kind, envelope)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a selector matches an envelope of this kind and source id: enough for every kind but
     * counters and gauges, whose selectors may name metrics ({@link #matches(Envelope)}).
     */
    public boolean matches(V2Kind kind, String sourceId) {
        if (kind == V2Kind.COUNTER || kind == V2Kind.GAUGE) {
            throw new IllegalArgumentException("a " + kind + " selector may name metrics: match the envelope");
        }
        for (Rule rule : rules) {
            if (rule.kind() == kind && (rule.sourceId().isEmpty() || rule.sourceId().equals(sourceId))) {
                return true;
            }
        }
        return false;
    }

    /** The source ids the selectors name; empty when one selector takes every source. */
    public Set<String> sourceIds() {
        java.util.LinkedHashSet<String> ids = new java.util.LinkedHashSet<>();
        for (Rule rule : rules) {
            if (rule.sourceId().isEmpty()) {
                return Set.of();
            }
            ids.add(rule.sourceId());
        }
        return ids;
    }
}
