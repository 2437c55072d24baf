package dev.loggregator.gateway;

import dev.loggregator.gateway.admin.GatewayMetrics;
import dev.loggregator.gateway.http.BackendConnectionPool;
import dev.loggregator.gateway.http.Preconnector;
import dev.loggregator.gateway.routing.BackendRegistry;
import dev.loggregator.gateway.routing.RouteTable;
import dev.loggregator.manifest.GatewaySection;
import io.netty.channel.group.ChannelGroup;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** What every connection handler shares: settings, the current route table, metrics, drain state. */
public final class GatewayContext {
    private final GatewaySection settings;
    private final AtomicReference<RouteTable> routes;
    private final BackendRegistry backends;
    private final GatewayMetrics metrics;
    private final ChannelGroup clients;
    private final BackendConnector connector;
    private final BackendConnectionPool pool;
    private final Preconnector preconnector;
    private volatile boolean draining;

    GatewayContext(GatewaySection settings, Transport transport, RouteTable routes, BackendRegistry backends, GatewayMetrics metrics,
            ChannelGroup clients) {
        this.settings = settings;
        this.routes = new AtomicReference<>(routes);
        this.backends = backends;
        this.metrics = metrics;
        this.clients = clients;
        this.connector = new BackendConnector(transport, settings.timeouts().connectMs());
        this.pool = new BackendConnectionPool(settings.limits().maxIdleBackendConnections(), settings.timeouts().backendIdleMs());
        this.preconnector = new Preconnector(this);
    }

    public GatewaySection settings() {
        return settings;
    }

    public RouteTable routes() {
        return routes.get();
    }

    public void replaceRoutes(RouteTable table) {
        routes.set(table);
    }

    public BackendRegistry backends() {
        return backends;
    }

    public GatewayMetrics metrics() {
        return metrics;
    }

    public ChannelGroup clients() {
        return clients;
    }

    public BackendConnector connector() {
        return connector;
    }

    public BackendConnectionPool pool() {
        return pool;
    }

    public Preconnector preconnector() {
        return preconnector;
    }

    public long deadBackendTtlNanos() {
        return TimeUnit.MILLISECONDS.toNanos(settings.deadBackendTtlMs());
    }

    public boolean draining() {
        return draining;
    }

    void startDraining() {
        draining = true;
    }
}
