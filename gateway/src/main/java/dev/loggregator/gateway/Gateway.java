package dev.loggregator.gateway;

import dev.loggregator.gateway.admin.GatewayMetrics;
import dev.loggregator.gateway.routing.BackendRegistry;
import dev.loggregator.gateway.routing.RouteTable;
import dev.loggregator.gateway.tls.SniCertificates;
import dev.loggregator.health.HealthServer;
import dev.loggregator.health.HealthStatus;
import dev.loggregator.limits.ConnectionLimits;
import dev.loggregator.logging.JulBridge;
import dev.loggregator.manifest.GatewaySection;
import dev.loggregator.manifest.Manifest;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.Mapping;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway process: binds every listener of the manifest, serves {@code /health} and
 * {@code /metrics} on the admin port, reloads routes when the manifest changes and drains on stop.
 */
public final class Gateway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final GatewayContext gw;
    // One group accepts and serves: a connection is handled on the thread that accepted it when
    // possible, saving a thread wake-up per connection (handshake latency on a small box).
    private final EventLoopGroup workers;
    private final List<Channel> serverChannels = new ArrayList<>();
    private final List<ListenerSpec> listeners;
    private final HealthServer admin;
    private final RouteReloader reloader;
    private volatile String status = "STARTING";
    private boolean stopped;

    private Gateway(Manifest manifest, Path manifestFile) throws IOException, InterruptedException {
        JulBridge.install();
        GatewaySection settings = manifest.gateway();
        Transport transport = Transport.select(settings.transport());
        workers = transport.newGroup(settings.threads());
        BackendRegistry backends = new BackendRegistry();
        GatewayMetrics metrics = new GatewayMetrics(backends);
        ChannelGroup clients = new DefaultChannelGroup("gateway-clients", GlobalEventExecutor.INSTANCE);
        gw = new GatewayContext(settings, transport, RouteTable.from(manifest, backends), backends, metrics, clients);
        listeners = ListenerSpec.of(manifest);
        Mapping<String, SslContext> certificates = listeners.stream().anyMatch(ListenerSpec::tls)
                ? SniCertificates.load(settings.tls()) : null;
        admin = settings.adminPort() == 0 ? null : new HealthServer(settings.host(), settings.adminPort(), metrics.registry(), () -> HealthStatus.valueOf(status));
        ConnectionLimits limits = new ConnectionLimits(settings.limits().maxConnections(),
                settings.limits().maxConnectionsPerAddress(), java.util.Set.of());
        try {
            for (ListenerSpec spec : listeners) {
                ServerBootstrap bootstrap = new ServerBootstrap()
                        .group(workers, workers)
                        .channel(transport.serverChannel())
                        .option(io.netty.channel.ChannelOption.SO_BACKLOG, 1024)
                        .childHandler(new ClientChannelInitializer(gw, spec, limits, certificates));
                ChannelTuning.applyToChildren(bootstrap, !spec.tcp());
                Channel server = bootstrap.bind(new InetSocketAddress(settings.host(), spec.port())).sync().channel();
                serverChannels.add(server);
                LOG.info("listening on {}:{} ({}{})", settings.host(), spec.port(), spec.mode(),
                        spec.acceptProxyProtocol() ? ", PROXY protocol in" : "");
            }
        } catch (RuntimeException | InterruptedException e) {
            close();
            throw e;
        }
        reloader = manifestFile == null ? null : new RouteReloader(manifestFile, gw, settings.reloadIntervalMs());
        status = "UP";
        LOG.info("gateway up ({} transport); admin (/health, /metrics) on {}:{}", transport.name(), settings.host(),
                admin == null ? "-" : admin.port());
    }

    /** Starts a gateway for {@code manifest}; with a {@code manifestFile} routes follow changes to it. */
    public static Gateway start(Manifest manifest, Path manifestFile) throws IOException, InterruptedException {
        return new Gateway(manifest, manifestFile);
    }

    public String status() {
        return status;
    }

    /**
     * Stops accepting, closes idle keep-alive connections, lets requests in flight finish (their
     * connections close after the response) and leaves tunnels open until everything is done or
     * the drain deadline passes; then closes whatever is left.
     */
    public void drainAndStop() {
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
        }
        status = "DRAINING";
        gw.startDraining();
        for (Channel server : serverChannels) {
            server.close().awaitUninterruptibly();
        }
        LOG.info("draining: listeners closed, {} client connections open, deadline {} ms", gw.clients().size(),
                gw.settings().drainDeadlineMs());
        for (Channel client : gw.clients()) {
            client.pipeline().fireUserEventTriggered(DrainEvent.INSTANCE);
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(gw.settings().drainDeadlineMs());
        while (!gw.clients().isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (!gw.clients().isEmpty()) {
            LOG.info("drain deadline passed; closing {} remaining connections", gw.clients().size());
        }
        shutdown();
    }

    private void shutdown() {
        gw.clients().close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        if (reloader != null) {
            reloader.close();
        }
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        if (admin != null) {
            admin.close();
        }
        LOG.info("gateway stopped");
    }

    /** Immediate stop (tests): no drain. */
    @Override
    public void close() {
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
        }
        status = "DRAINING";
        for (Channel server : serverChannels) {
            server.close().awaitUninterruptibly();
        }
        shutdown();
    }
}
