package dev.loggregator.doppler;

import dev.loggregator.doppler.drains.SyslogDrains;
import dev.loggregator.doppler.egress.EgressServer;
import dev.loggregator.doppler.egress.InternalAddresses;
import dev.loggregator.doppler.ingress.EnvelopeIntake;
import dev.loggregator.doppler.ingress.grpc.GrpcIngressServer;
import dev.loggregator.doppler.ingress.tcp.StreamIngressServer;
import dev.loggregator.doppler.ingress.udp.UdpIngressServer;
import dev.loggregator.doppler.metrics.DopplerMetrics;
import dev.loggregator.doppler.metrics.IngressProtocol;
import dev.loggregator.doppler.metrics.SelfMetricsEmitter;
import dev.loggregator.doppler.logcache.LogCacheMetrics;
import dev.loggregator.doppler.logcache.LogCacheReads;
import dev.loggregator.doppler.logcache.LogCacheStore;
import dev.loggregator.doppler.ratelimit.LogRateLimitMetrics;
import dev.loggregator.doppler.ratelimit.LogRateLimits;
import dev.loggregator.fairness.FairShare;
import dev.loggregator.doppler.routing.IngressBuffer;
import dev.loggregator.doppler.routing.IngressFairShare;
import dev.loggregator.doppler.routing.OverloadNotices;
import dev.loggregator.doppler.routing.Router;
import dev.loggregator.doppler.routing.Subscriptions;
import dev.loggregator.doppler.store.AppStore;
import dev.loggregator.server.tls.TlsContexts;
import dev.loggregator.health.HealthServer;
import dev.loggregator.health.HealthStatus;
import dev.loggregator.logging.JulBridge;
import dev.loggregator.manifest.DopplerSection;
import dev.loggregator.manifest.Manifest;
import dev.loggregator.manifest.ManifestException;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Doppler node, wired from its manifest: ingress listeners feed one router through a
 * bounded buffer; the router fills the store and the subscribers' queues; the egress server
 * drains those queues to Traffic Controllers.
 */
public final class Doppler {
    private static final Logger LOG = LoggerFactory.getLogger(Doppler.class);
    private static final long DRAIN_SECONDS = 5;
    /** How long open ingress calls may finish after SIGTERM: long enough for a unary Send in progress, not for a stream. */
    private static final long INGRESS_GRACE_MILLIS = 200;

    private final Manifest manifest;
    private final int index;
    private final DopplerSection config;
    private final DopplerSection.Instance instance;
    private final DopplerMetrics metrics;
    private final Subscriptions subscriptions = new Subscriptions();
    private final AppStore store;
    private final LogCacheStore logCache;
    private final IngressBuffer buffer;
    private final Router router;
    private final LogRateLimits logRateLimits; // null: no app has a limit
    private final EnvelopeIntake intake;
    private final SyslogDrains drains;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            new DefaultThreadFactory("doppler-scheduler", true));
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private HealthServer health;
    private volatile HealthStatus status = HealthStatus.STARTING;
    private EgressServer egress;
    private GrpcIngressServer grpc;
    private final List<StreamIngressServer> streamServers = new ArrayList<>();
    private UdpIngressServer udp;

    public Doppler(Manifest manifest, int index) {
        this.manifest = manifest;
        this.index = index;
        this.config = manifest.doppler();
        this.metrics = new DopplerMetrics(config.logRateLimit().maxCountedApps());
        this.instance = config.instance(index);
        this.store = new AppStore(config.maxRetainedLogMessages(), config.maxApps(),
                config.retainedBytesBudget(Runtime.getRuntime().maxMemory()),
                config.containerMetricTtlSeconds(), config.sinkInactivityTimeoutSeconds());
        DopplerSection.LogCache cache = config.logCache();
        this.logCache = cache.enabled() ? new LogCacheStore(cache.maxPerSource(),
                cache.budgetBytes(Runtime.getRuntime().maxMemory()), cache.maxSources()) : null;
        boolean fair = config.fairShareFactor() > 0;
        OverloadNotices overloadNotices = new OverloadNotices(metrics, "Doppler " + index, config.dropNoticeMaxApps());
        this.buffer = new IngressBuffer(config.ingressBufferSize(), ingressBufferBytes(config.ingressBufferBytes()), metrics,
                new IngressFairShare(config.fairShareFactor(), config.fairShareMaxApps(), overloadNotices));
        this.intake = new EnvelopeIntake(buffer, metrics, config.maxEnvelopeBytes());
        this.drains = new SyslogDrains(config.syslogDrains(), config.tls(), intake::acceptOwn,
                instance.host() + ":" + instance.wsPort());
        this.logRateLimits = config.logRateLimit().any() ? new LogRateLimits(config.logRateLimit(), metrics) : null;
        this.router = new Router(buffer, store, logCache, subscriptions, config.replayBufferSize(), config.replaySeconds(),
                fair ? new FairShare(config.fairShareFactor(), config.fairShareMaxApps()) : null,
                overloadNotices, drains, logRateLimits);
    }

    /** Binds every configured listener; throws if one cannot be bound (the caller exits). */
    public void start() throws Exception {
        JulBridge.install();
        if (instance.tlsPort() > 0 && !config.tls().configured()) {
            throw new ManifestException("doppler.instances[" + index + "].tls_port is " + instance.tlsPort()
                    + " but doppler.tls.cert and doppler.tls.key are not set");
        }
        String host = instance.host();
        if (instance.healthPort() > 0) {
            health = new HealthServer(host, instance.healthPort(), metrics.registry(), () -> status);
        }
        registerGauges();
        drains.start(metrics);
        router.start();
        if (logRateLimits != null) {
            long interval = config.metricsIntervalSeconds();
            scheduler.scheduleAtFixedRate(() -> router.reportLogRates(TimeUnit.SECONDS.toNanos(interval)),
                    interval, interval, TimeUnit.SECONDS);
        }
        boss = new NioEventLoopGroup(1, new DefaultThreadFactory("doppler-accept"));
        workers = new NioEventLoopGroup(Math.max(2, Runtime.getRuntime().availableProcessors()),
                new DefaultThreadFactory("doppler-io"));
        int idle = config.idleConnectionTimeoutSeconds();

        LogCacheReads reads = null;
        if (logCache != null) {
            scheduler.scheduleWithFixedDelay(logCache::prune, 250, 250, TimeUnit.MILLISECONDS);
            reads = new LogCacheReads(logCache, LogCacheMetrics.register(metrics, logCache));
        }
        String secret = manifest.properties().internalSecret();
        InetSocketAddress internal = new InetSocketAddress(instance.internalHost(), instance.wsPort());
        InternalAddresses.requireInternalOrSecret(internal, !secret.isEmpty(), "doppler.instances[" + index + "]");
        egress = new EgressServer(internal, subscriptions, router, store, reads, metrics,
                config.messageDrainBufferSize(), linkBufferBytes(config.linkBufferBytes()), config.fairShareFactor(), config.linkSilenceSeconds(),
                boss, workers, idle, secret, drains::report);
        egress.start();
        if (instance.grpcPort() > 0) {
            grpc = new GrpcIngressServer(new InetSocketAddress(host, instance.grpcPort()), intake, metrics, boss, workers,
                    config.tls().configured() ? TlsContexts.forGrpc(config.tls(), "doppler.tls") : null, idle);
            grpc.start();
        }
        if (instance.tcpPort() > 0) {
            startStream(new StreamIngressServer(new InetSocketAddress(host, instance.tcpPort()), IngressProtocol.TCP,
                    null, intake, metrics, boss, workers, idle));
        }
        if (instance.tlsPort() > 0) {
            startStream(new StreamIngressServer(new InetSocketAddress(host, instance.tlsPort()), IngressProtocol.TLS,
                    TlsContexts.forStream(config.tls(), "doppler.tls"), intake, metrics, boss, workers, idle));
        }
        if (instance.udpPort() > 0) {
            if (manifest.properties().sharedSecret().isEmpty()) {
                LOG.warn("UDP ingress is off: properties.shared_secret is empty, so no datagram could be verified");
            } else {
                udp = new UdpIngressServer(new InetSocketAddress(host, instance.udpPort()),
                        manifest.properties().sharedSecret(), intake, workers);
                udp.start();
            }
        }

        long evictEvery = store.evictionIntervalMillis();
        scheduler.scheduleWithFixedDelay(store::evictIdle, evictEvery, evictEvery, TimeUnit.MILLISECONDS);
        SelfMetricsEmitter emitter = new SelfMetricsEmitter(metrics, intake::acceptOwn, manifest.name(),
                String.valueOf(index), host);
        long interval = config.metricsIntervalSeconds();
        scheduler.scheduleAtFixedRate(() -> {
            try {
                emitter.run();
            } catch (RuntimeException e) {
                LOG.warn("Cannot emit self-metrics: {}", e.toString());
            }
        }, interval, interval, TimeUnit.SECONDS);

        if (logRateLimits != null) {
            LOG.info("Log-rate limits on: {} bytes/s per app instance by default (-1: unlimited), {} app(s) with their own",
                    config.logRateLimit().defaultBytesPerSecond(), config.logRateLimit().apps().size());
        }
        status = HealthStatus.UP;
        LOG.info("Doppler {} of '{}' up on {}: egress ws {}, grpc {}, tcp {}, tls {}, udp {}, health {}",
                index, manifest.name(), host, egress.port(), grpc == null ? "off" : grpc.port(),
                instance.tcpPort() > 0 ? instance.tcpPort() : "off", instance.tlsPort() > 0 ? instance.tlsPort() : "off",
                udp == null ? "off" : udp.port(), health == null ? "off" : health.port());
    }

    private void startStream(StreamIngressServer server) throws InterruptedException {
        streamServers.add(server);
        server.start();
    }

    /** The manifest's heap budget of the ingress buffer; 0 means an eighth of this JVM's heap. */
    private static long ingressBufferBytes(long configured) {
        return configured > 0 ? configured : Runtime.getRuntime().maxMemory() / 8;
    }

    /** The manifest's bound of a link's queue; 0 means a sixteenth of this JVM's heap. */
    private static long linkBufferBytes(long configured) {
        return configured > 0 ? configured : Math.max(DopplerSection.MIN_LINK_BUFFER_BYTES, Runtime.getRuntime().maxMemory() / 16);
    }

    private void registerGauges() {
        metrics.gauge("apps", "Apps whose recent logs or container metrics are held", store::appCount);
        metrics.gauge("retained_bytes", "Bytes of envelopes held for recent logs and container metrics", store::retainedBytes);
        metrics.gauge("store_held_bytes", "Heap held by the per-app store as doppler.max_retained_bytes counts it"
                + " (envelope bytes plus per-entry and per-app overhead)", store::heldBytes);
        metrics.gauge("store_evicted_apps_total", "Apps the per-app store forgot: beyond max_apps, past max_retained_bytes,"
                + " or without traffic for sink_inactivity_timeout_seconds", store::evictedApps);
        metrics.gauge("store_evicted_for_memory_total", "Apps the per-app store forgot to stay within max_retained_bytes"
                + " (least recently used first)", store::evictedForMemory);
        metrics.gauge("app_streams", "Subscribed app streams", subscriptions::appStreamCount);
        metrics.gauge("firehose_subscriptions", "Subscribed v1 firehose connections", () -> subscriptions.sharedCount("v1"));
        metrics.gauge("firehose_groups", "Distinct v1 firehose subscription ids (with filter)", () -> subscriptions.sharedGroupCount("v1"));
        metrics.gauge("v2_subscriptions", "Subscribed v2 egress connections", () -> subscriptions.sharedCount("v2"));
        metrics.gauge("v2_shard_groups", "Distinct v2 groups (shard id, selectors and format)", () -> subscriptions.sharedGroupCount("v2"));
        metrics.gauge("ingress_buffer_depth", "Envelopes waiting in the ingress buffer", buffer::size);
        metrics.gauge("ingress_buffer_bytes", "Heap held by the envelopes waiting in the ingress buffer (estimated)", buffer::heldBytes);
        if (logRateLimits != null) {
            LogRateLimitMetrics.register(metrics, logRateLimits);
        }
        Runtime runtime = Runtime.getRuntime();
        metrics.gauge("heap_used_bytes", "Java heap in use", () -> runtime.totalMemory() - runtime.freeMemory());
    }

    /**
     * Drains and stops: ingress closes first, the router delivers what it holds, subscribers get
     * a few seconds to take their queues, then links close with 1001.
     */
    public void stop() {
        LOG.info("Doppler {} draining", index);
        status = HealthStatus.DRAINING;
        try {
            if (grpc != null) {
                // Ingress stops first: new calls are refused at once (agents fail over to another Doppler)
                // and open ones end within the grace; what they handed over before is delivered below.
                grpc.stop(INGRESS_GRACE_MILLIS, TimeUnit.MILLISECONDS);
            }
            streamServers.forEach(StreamIngressServer::stop);
            if (udp != null) {
                udp.stop();
            }
            router.stop(DRAIN_SECONDS, TimeUnit.SECONDS);
            drains.stop(DRAIN_SECONDS, TimeUnit.SECONDS);
            if (egress != null) {
                egress.stopAccepting();
                egress.closeLinks(DRAIN_SECONDS, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            scheduler.shutdownNow();
            if (workers != null) {
                workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
                boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            }
            if (health != null) {
                health.close();
            }
            LOG.info("Doppler {} stopped", index);
        }
    }
}
