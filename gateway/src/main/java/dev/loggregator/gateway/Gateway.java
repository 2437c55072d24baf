package dev.loggregator.gateway;

import dev.loggregator.gateway.admin.GatewayMetrics;
import dev.loggregator.gateway.handover.HandoverSocket;
import dev.loggregator.gateway.handover.ListenerHandover;
import dev.loggregator.gateway.handover.ListenerTakeover;
import dev.loggregator.gateway.routing.BackendRegistry;
import dev.loggregator.gateway.routing.RouteTable;
import dev.loggregator.gateway.tls.SniCertificates;
import dev.loggregator.health.HealthServer;
import dev.loggregator.health.HealthStatus;
import dev.loggregator.limits.ConnectionLimits;
import dev.loggregator.logging.JulBridge;
import dev.loggregator.manifest.GatewaySection;
import dev.loggregator.manifest.Manifest;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.unix.FileDescriptor;
import io.netty.handler.ssl.SslContext;
import io.netty.util.Mapping;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.BindException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway process: binds every listener of the manifest (or takes the sockets over from the
 * gateway process it replaces), serves {@code /health} and {@code /metrics} on the admin port,
 * reloads routes when the manifest changes, hands its sockets to a successor, and drains on stop.
 */
public final class Gateway implements AutoCloseable, ListenerHandover.Incumbent {
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
    private static final long ADMIN_BIND_WAIT_MILLIS = 10_000;

    private final GatewayContext gw;
    // One group accepts and serves: a connection is handled on the thread that accepted it when
    // possible, saving a thread wake-up per connection (handshake latency on a small box).
    private final EventLoopGroup workers;
    /** The hand-over socket's own thread (epoll transport only): its work blocks, and must not stall connections. */
    private final EventLoopGroup handoverLoop;
    private final ListenerChannels listeners = new ListenerChannels();
    private final HealthServer admin;
    private final ListenerHandover handover;
    private final RouteReloader reloader;
    private final CountDownLatch stoppedLatch = new CountDownLatch(1);
    private volatile String status = "STARTING";
    private boolean adminClosed;
    private boolean stopping;

    private Gateway(Manifest manifest, Path manifestFile) throws IOException, InterruptedException {
        JulBridge.install();
        GatewaySection settings = manifest.gateway();
        Transport transport = Transport.select(settings.transport());
        workers = transport.newGroup(settings.threads());
        BackendRegistry backends = new BackendRegistry();
        GatewayMetrics metrics = new GatewayMetrics(backends);
        ChannelGroup clients = new DefaultChannelGroup("gateway-clients", GlobalEventExecutor.INSTANCE);
        gw = new GatewayContext(settings, transport, RouteTable.from(manifest, backends), backends, metrics, clients);
        List<ListenerSpec> specs = ListenerSpec.of(manifest);
        Mapping<String, SslContext> certificates = specs.stream().anyMatch(ListenerSpec::tls)
                ? SniCertificates.load(settings.tls()) : null;
        ConnectionLimits limits = new ConnectionLimits(settings.limits().maxConnections(),
                settings.limits().maxConnectionsPerAddress(), java.util.Set.of());
        Optional<Path> handoverPath = transport == Transport.EPOLL ? HandoverSocket.path(manifest) : Optional.empty();
        handoverLoop = handoverPath.isPresent() ? new EpollEventLoopGroup(1, new DefaultThreadFactory("gateway-handover", true)) : null;
        HealthServer adminServer = null;
        ListenerHandover handoverServer = null;
        try {
            ListenerTakeover takeover = handoverPath.isPresent() ? ListenerTakeover.attempt(handoverPath.get(), handoverLoop)
                    : ListenerTakeover.none();
            listeners.open(gw, transport, workers, specs, limits, certificates, takeover);
            takeover.closeUnclaimed();
            if (takeover.tookOver()) {
                takeover.announceListening();
            }
            adminServer = startAdmin(settings, metrics, takeover.tookOver());
            if (handoverPath.isPresent()) {
                handoverServer = bindHandover(handoverPath.get());
            } else if (transport != Transport.EPOLL) {
                LOG.info("reload hand-over off: it needs the epoll transport (transport: {})", transport.name());
            }
        } catch (IOException | RuntimeException | InterruptedException e) {
            admin = adminServer;
            handover = handoverServer;
            reloader = null;
            close();
            throw e;
        }
        admin = adminServer;
        handover = handoverServer;
        reloader = manifestFile == null ? null : new RouteReloader(manifestFile, gw, settings.reloadIntervalMs());
        status = "UP";
        LOG.info("gateway up ({} transport); admin (/health, /metrics) on {}:{}{}", transport.name(), settings.host(),
                admin == null ? "-" : admin.port(), handover == null ? "" : "; reload hand-over on " + handover);
    }

    /**
     * The admin port; after a takeover the old process frees it only once this one accepts on
     * every listener, so the bind may have to wait a moment.
     */
    private HealthServer startAdmin(GatewaySection settings, GatewayMetrics metrics, boolean afterTakeover)
            throws IOException, InterruptedException {
        if (settings.adminPort() == 0) {
            return null;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(afterTakeover ? ADMIN_BIND_WAIT_MILLIS : 0);
        while (true) {
            try {
                return new HealthServer(settings.host(), settings.adminPort(), metrics.registry(), () -> HealthStatus.valueOf(status));
            } catch (BindException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(20);
            }
        }
    }

    /** A reload socket that cannot be bound costs seamless reloads, not the gateway. */
    private ListenerHandover bindHandover(Path path) throws InterruptedException {
        try {
            return ListenerHandover.bind(path, handoverLoop, this);
        } catch (IOException | RuntimeException e) {
            LOG.warn("reload hand-over off: cannot listen on {}: {}", path, e.toString());
            return null;
        }
    }

    /** Starts a gateway for {@code manifest}; with a {@code manifestFile} routes follow changes to it. */
    public static Gateway start(Manifest manifest, Path manifestFile) throws IOException, InterruptedException {
        return new Gateway(manifest, manifestFile);
    }

    public String status() {
        return status;
    }

    /** Neither draining nor stopped (a hand-over starts the drain on its own). */
    public synchronized boolean running() {
        return !stopping;
    }

    @Override
    public List<FileDescriptor> listeningSockets() {
        return listeners.sockets();
    }

    @Override
    public void release() {
        status = "DRAINING";
        gw.startDraining();
        listeners.close();
        closeAdmin();
    }

    @Override
    public void handedOver() {
        Thread drain = new Thread(() -> drain(true), "gateway-drain");
        drain.start();
    }

    /**
     * Stops accepting, closes idle keep-alive connections, lets requests in flight finish (their
     * connections close after the response) and leaves tunnels open until everything is done or
     * the drain deadline passes; then WebSocket tunnels get a Close frame (1001) both ways and
     * {@code websocket_close_ms} to answer it, and whatever is left is closed. Called a second
     * time (SIGTERM after a hand-over), it waits for the first drain to end.
     */
    public void drainAndStop() {
        drain(false);
    }

    /** {@code successorAccepts}: a new process took the listening sockets over, so a closed client can reconnect at once. */
    private void drain(boolean successorAccepts) {
        boolean alreadyStopping;
        synchronized (this) {
            alreadyStopping = stopping;
            stopping = true;
        }
        if (alreadyStopping) {
            awaitStopped();
            return;
        }
        try {
            status = "DRAINING";
            gw.startDraining();
            listeners.close();
            LOG.info("draining: listeners closed, {} client connections open, deadline {} ms", gw.clients().size(),
                    gw.settings().drainDeadlineMs());
            for (Channel client : gw.clients()) {
                client.pipeline().fireUserEventTriggered(DrainEvent.INSTANCE);
            }
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(gw.settings().drainDeadlineMs());
            if (successorAccepts) {
                GradualHandOff.spreadUntil(gw.clients(), deadline);
            }
            if (!awaitClientsGone(TimeUnit.NANOSECONDS.toMillis(Math.max(0, deadline - System.nanoTime())))) {
                LOG.info("drain deadline passed; closing {} remaining connections (WebSocket tunnels with 1001)", gw.clients().size());
                for (Channel client : gw.clients()) {
                    client.pipeline().fireUserEventTriggered(DrainDeadlineEvent.INSTANCE);
                }
                awaitClientsGone(gw.settings().timeouts().websocketCloseMs());
            }
        } finally {
            shutdown();
        }
    }

    private boolean awaitClientsGone(long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!gw.clients().isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return gw.clients().isEmpty();
    }

    /** Blocks until the gateway has stopped (after a drain, a hand-over's drain or {@link #close()}). */
    public void awaitStopped() {
        try {
            stoppedLatch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void shutdown() {
        gw.clients().close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        if (reloader != null) {
            reloader.close();
        }
        if (handover != null) {
            handover.close();
        }
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        if (handoverLoop != null) {
            handoverLoop.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        closeAdmin();
        LOG.info("gateway stopped");
        stoppedLatch.countDown();
    }

    private synchronized void closeAdmin() {
        if (admin != null && !adminClosed) {
            adminClosed = true;
            admin.close();
        }
    }

    /** Immediate stop (tests): no drain. */
    @Override
    public void close() {
        synchronized (this) {
            if (stopping) {
                return;
            }
            stopping = true;
        }
        status = "DRAINING";
        listeners.close();
        shutdown();
    }
}
