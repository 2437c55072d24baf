package dev.loggregator.doppler.metrics;

import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Everything this Doppler counts. Prometheus reads it on {@code /metrics}; the
 * {@link SelfMetricsEmitter} reads the same numbers and puts them into the firehose.
 */
public final class DopplerMetrics {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final LabeledCounter<IngressProtocol> ingress = new LabeledCounter<>(IngressProtocol.class);
    private final LabeledCounter<EgressEndpoint> egress = new LabeledCounter<>(EgressEndpoint.class);
    private final LabeledCounter<DropReason> dropped = new LabeledCounter<>(DropReason.class);
    private final LabeledCounter<RefusedConnectionReason> refusedConnections =
            new LabeledCounter<>(RefusedConnectionReason.class);
    private final GrpcCallErrors grpcErrors = new GrpcCallErrors();
    private final Map<String, LongSupplier> gauges = new LinkedHashMap<>();
    private final AppDrops appDrops;

    public DopplerMetrics() {
        this(1_000);
    }

    /** {@code maxCountedApps}: the apps with their own label in {@link #appDrops()}. */
    public DopplerMetrics(int maxCountedApps) {
        appDrops = new AppDrops(maxCountedApps);
        appDrops.register(registry);
        ingress.register(registry, "doppler_ingress_envelopes",
                "Envelopes accepted, by ingress protocol", "protocol");
        egress.register(registry, "doppler_egress_envelopes",
                "Envelopes sent to subscribers and HTTP clients, by endpoint", "endpoint");
        dropped.register(registry, "doppler_dropped_envelopes",
                "Envelopes not delivered, by reason", "reason");
        refusedConnections.register(registry, "doppler_refused_connections",
                "Connections and requests this Doppler refused or closed, by reason", "reason");
        grpcErrors.register(registry, "doppler_ingress_grpc_errors",
                "Ingress gRPC calls closed with a status other than OK, by status code and method (unknown: not served),"
                        + " whether gRPC or this Doppler closed them; CANCELLED and UNAVAILABLE include agents that"
                        + " cancelled or lost a long-lived stream (e.g. on restart), counted because messages in flight"
                        + " may be lost with it");
    }

    public LabeledCounter<IngressProtocol> ingress() {
        return ingress;
    }

    public LabeledCounter<EgressEndpoint> egress() {
        return egress;
    }

    public LabeledCounter<DropReason> dropped() {
        return dropped;
    }

    /** Every drop of an app's envelope, per app (also counted in {@link #dropped()}). */
    public AppDrops appDrops() {
        return appDrops;
    }

    public LabeledCounter<RefusedConnectionReason> refusedConnections() {
        return refusedConnections;
    }

    public GrpcCallErrors grpcErrors() {
        return grpcErrors;
    }

    /** Registers a gauge read on demand; {@code name} is the self-metric name, Prometheus gets {@code doppler_<name>}. */
    public synchronized void gauge(String name, String help, LongSupplier value) {
        gauges.put(name, value);
        GaugeWithCallback.builder()
                .name("doppler_" + name)
                .help(help)
                .callback(callback -> callback.call(value.getAsLong()))
                .register(registry);
    }

    public synchronized Map<String, LongSupplier> gauges() {
        return Map.copyOf(gauges);
    }

    public PrometheusRegistry registry() {
        return registry;
    }
}
