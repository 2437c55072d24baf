package dev.loggregator.doppler.metrics;

import io.grpc.Status;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.concurrent.atomic.LongAdder;

/**
 * Ingress gRPC calls closed with a status other than OK, by method and status code. Both
 * dimensions are enums, so the table is allocated once and no client can add series; counting
 * is a LongAdder increment.
 */
public final class GrpcCallErrors {
    private static final IngressGrpcMethod[] METHODS = IngressGrpcMethod.values();
    private static final Status.Code[] CODES = Status.Code.values();

    private final LongAdder[][] counts = new LongAdder[METHODS.length][CODES.length];

    GrpcCallErrors() {
        for (LongAdder[] row : counts) {
            for (int i = 0; i < row.length; i++) {
                row[i] = new LongAdder();
            }
        }
    }

    public void increment(IngressGrpcMethod method, Status.Code code) {
        counts[method.ordinal()][code.ordinal()].increment();
    }

    public long get(IngressGrpcMethod method, Status.Code code) {
        return counts[method.ordinal()][code.ordinal()].sum();
    }

    /**
     * Every method and non-OK code is exported from the start, zeros included: a series that
     * first appears at 1 would hide the first failure from {@code increase()} and {@code rate()}.
     */
    void register(PrometheusRegistry registry, String name, String help) {
        CounterWithCallback.builder()
                .name(name)
                .help(help)
                .labelNames("code", "method")
                .callback(callback -> {
                    for (IngressGrpcMethod method : METHODS) {
                        for (Status.Code code : CODES) {
                            if (code != Status.Code.OK) {
                                callback.call(get(method, code), code.name(), method.label());
                            }
                        }
                    }
                })
                .register(registry);
    }
}
