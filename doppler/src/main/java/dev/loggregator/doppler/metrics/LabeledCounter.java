package dev.loggregator.doppler.metrics;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.concurrent.atomic.LongAdder;

/**
 * A counter with one label whose values are the constants of an enum. Counting is a LongAdder
 * increment (the hot path runs at hundreds of thousands per second on several threads);
 * Prometheus and the self-metric emitter read the sums.
 */
public final class LabeledCounter<E extends Enum<E> & MetricLabel> {
    private final E[] labels;
    private final LongAdder[] counts;

    LabeledCounter(Class<E> labelType) {
        this.labels = labelType.getEnumConstants();
        this.counts = new LongAdder[labels.length];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    public void increment(E label) {
        counts[label.ordinal()].increment();
    }

    public void add(E label, long n) {
        counts[label.ordinal()].add(n);
    }

    public long get(E label) {
        return counts[label.ordinal()].sum();
    }

    public E[] labels() {
        return labels.clone();
    }

    void register(PrometheusRegistry registry, String name, String help, String labelName) {
        CounterWithCallback.builder()
                .name(name)
                .help(help)
                .labelNames(labelName)
                .callback(callback -> {
                    for (E label : labels) {
                        callback.call(get(label), label.label());
                    }
                })
                .register(registry);
    }
}
