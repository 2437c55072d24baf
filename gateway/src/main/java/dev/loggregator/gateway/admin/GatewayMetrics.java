package dev.loggregator.gateway.admin;

import dev.loggregator.gateway.routing.BackendRegistry;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** The gateway's Prometheus metrics (served on {@code /metrics} of the admin port). */
public final class GatewayMetrics {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter requests;
    private final Counter gatewayErrors;
    private final Counter upgrades;
    private final Counter upgradeRefused;
    private final Counter backendFailures;
    private final Counter retries;
    private final Counter tunnelBytes;
    private final Counter connectionsRejected;
    private final Counter badRequests;
    private final Gauge tunnelsOpen;
    private final Gauge connectionsOpen;

    public GatewayMetrics(BackendRegistry backends) {
        requests = Counter.builder().name("gateway_requests_total")
                .help("HTTP requests answered, by status code").labelNames("code").register(registry);
        gatewayErrors = Counter.builder().name("gateway_errors_total")
                .help("Responses made by the gateway itself, by X-Gateway-Error reason").labelNames("reason").register(registry);
        upgrades = Counter.builder().name("gateway_websocket_upgrades_total")
                .help("WebSocket handshakes the backend accepted with 101 (tunnels opened)").register(registry);
        upgradeRefused = Counter.builder().name("gateway_websocket_refused_total")
                .help("WebSocket handshakes answered with something other than 101, relayed as HTTP").register(registry);
        backendFailures = Counter.builder().name("gateway_backend_failures_total")
                .help("Failed backend attempts, by backend and reason").labelNames("backend", "reason").register(registry);
        retries = Counter.builder().name("gateway_retries_total")
                .help("Requests (or handshakes, or TCP connections) sent to another backend after a failure").register(registry);
        tunnelBytes = Counter.builder().name("gateway_tunnel_bytes_total")
                .help("Bytes relayed by tunnels (WebSocket and TCP mode)").labelNames("direction").register(registry);
        connectionsRejected = Counter.builder().name("gateway_connections_rejected_total")
                .help("Client connections refused by limits.max_connections or max_connections_per_address, by reason")
                .labelNames("reason").register(registry);
        badRequests = Counter.builder().name("gateway_bad_requests_total")
                .help("Requests refused before routing (malformed, smuggling attempts, too large), by reason").labelNames("reason").register(registry);
        tunnelsOpen = Gauge.builder().name("gateway_tunnels_open").help("Tunnels currently open").register(registry);
        connectionsOpen = Gauge.builder().name("gateway_client_connections_open").help("Client connections currently open").register(registry);
        GaugeWithCallback.builder().name("gateway_backend_dead")
                .help("1 while a backend is marked dead (passive health), else 0").labelNames("backend")
                .callback(cb -> backends.all().forEach(b -> cb.call(b.isDead() ? 1 : 0, b.address())))
                .register(registry);
        GaugeWithCallback.builder().name("gateway_backend_active_connections")
                .help("Connections or exchanges in flight per backend").labelNames("backend")
                .callback(cb -> backends.all().forEach(b -> cb.call(b.activeConnections(), b.address())))
                .register(registry);
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    public void request(int status) {
        requests.labelValues(Integer.toString(status)).inc();
    }

    public void gatewayError(String reason) {
        gatewayErrors.labelValues(reason).inc();
    }

    public void upgraded() {
        upgrades.inc();
    }

    public void upgradeRefused() {
        upgradeRefused.inc();
    }

    public void backendFailure(String backend, String reason) {
        backendFailures.labelValues(backend, reason).inc();
    }

    public void retry() {
        retries.inc();
    }

    public void tunnelBytes(long fromClient, long fromBackend) {
        tunnelBytes.labelValues("client_to_backend").inc(fromClient);
        tunnelBytes.labelValues("backend_to_client").inc(fromBackend);
    }

    public void tunnelOpened() {
        tunnelsOpen.inc();
    }

    public void tunnelClosed() {
        tunnelsOpen.dec();
    }

    public void connectionOpened() {
        connectionsOpen.inc();
    }

    public void connectionClosed() {
        connectionsOpen.dec();
    }

    /** {@code connection_limit} (all listeners) or {@code address_connection_limit} (one client address). */
    public void connectionRejected(String reason) {
        connectionsRejected.labelValues(reason).inc();
    }

    public void badRequest(String reason) {
        badRequests.labelValues(reason).inc();
    }
}
