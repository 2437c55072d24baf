package dev.loggregator.doppler.drains;

import dev.loggregator.doppler.metrics.DopplerMetrics;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * Per-drain Prometheus series, labelled {@code app_id} (empty for aggregate drains),
 * {@code drain_url} (without user info and query) and {@code scope} ({@code app} or
 * {@code aggregate}): messages sent, dropped, errors, whether connected, envelopes queued. Read
 * from the drains in force at scrape time, so an unbound drain's series go with it; two bindings of
 * one app that differ only in query or credentials are summed into one series.
 */
final class DrainMetrics {
    private DrainMetrics() {
    }

    private record Labels(String appId, String url, String scope) {
        String[] values() {
            return new String[] {appId, url, scope};
        }
    }

    static void register(DopplerMetrics metrics, Supplier<DrainTable> table, LongSupplier refreshErrors) {
        PrometheusRegistry registry = metrics.registry();
        counter(registry, "doppler_syslog_drain_sent", "RFC 5424 messages a syslog drain's receiver took", table,
                drain -> drain.stats().sent());
        counter(registry, "doppler_syslog_drain_dropped", "Messages a syslog drain lost: envelopes refused by its full buffer,"
                + " messages lost with a broken connection or after the last retry, envelopes that could not be formatted",
                table, drain -> drain.stats().dropped());
        counter(registry, "doppler_syslog_drain_errors", "Failed connection attempts, lost connections and failed requests"
                + " of a syslog drain", table, drain -> drain.stats().errors());
        gauge(registry, "doppler_syslog_drain_connected", "1 when a syslog drain's connection is up", table,
                drain -> drain.stats().connected() ? 1 : 0);
        gauge(registry, "doppler_syslog_drain_queued", "Envelopes waiting in a syslog drain's buffer", table,
                SyslogDrain::queued);
        metrics.gauge("syslog_drains", "Syslog drains in force (app and aggregate)", () -> table.get().drains().size());
        metrics.gauge("syslog_drain_bindings_refused", "Syslog drain bindings refused at the last refresh (bad URL,"
                + " unresolvable or denied host, bad certificate, over the per-app limit)", () -> table.get().refusals.size());
        CounterWithCallback.builder()
                .name("doppler_syslog_binding_refresh_errors")
                .help("Polls of the syslog drain binding provider that failed")
                .callback(callback -> callback.call(refreshErrors.getAsLong()))
                .register(registry);
    }

    private static void counter(PrometheusRegistry registry, String name, String help, Supplier<DrainTable> table,
                                ToLongFunction<SyslogDrain> value) {
        CounterWithCallback.builder().name(name).help(help).labelNames("app_id", "drain_url", "scope")
                .callback(callback -> sums(table.get().drains(), value)
                        .forEach((labels, sum) -> callback.call(sum, labels.values())))
                .register(registry);
    }

    private static void gauge(PrometheusRegistry registry, String name, String help, Supplier<DrainTable> table,
                              ToLongFunction<SyslogDrain> value) {
        GaugeWithCallback.builder().name(name).help(help).labelNames("app_id", "drain_url", "scope")
                .callback(callback -> sums(table.get().drains(), value)
                        .forEach((labels, sum) -> callback.call(sum, labels.values())))
                .register(registry);
    }

    private static Map<Labels, Long> sums(List<SyslogDrain> drains, ToLongFunction<SyslogDrain> value) {
        Map<Labels, Long> sums = new LinkedHashMap<>();
        for (SyslogDrain drain : drains) {
            String appId = drain.binding().appId();
            Labels labels = new Labels(appId == null ? "" : appId, drain.endpoint().url().anonymous(),
                    appId == null ? "aggregate" : "app");
            sums.merge(labels, value.applyAsLong(drain), Long::sum);
        }
        return sums;
    }
}
