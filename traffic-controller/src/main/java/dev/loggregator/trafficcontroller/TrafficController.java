package dev.loggregator.trafficcontroller;

import dev.loggregator.health.HealthServer;
import dev.loggregator.health.HealthStatus;
import dev.loggregator.logging.JulBridge;
import dev.loggregator.limits.ConnectionLimits;
import dev.loggregator.manifest.DopplerSection;
import dev.loggregator.manifest.IpLiterals;
import dev.loggregator.manifest.Manifest;
import dev.loggregator.manifest.TrafficControllerSection;
import dev.loggregator.trafficcontroller.api.ApiServer;
import dev.loggregator.trafficcontroller.api.StreamSettings;
import dev.loggregator.trafficcontroller.auth.AccessPolicy;
import dev.loggregator.trafficcontroller.auth.CachingTokenVerifier;
import dev.loggregator.trafficcontroller.auth.CapiClient;
import dev.loggregator.trafficcontroller.logcache.LogCacheAccess;
import dev.loggregator.trafficcontroller.logcache.LogCacheEndpoint;
import dev.loggregator.trafficcontroller.logcache.LogCacheQueries;
import dev.loggregator.trafficcontroller.auth.ClaimRules;
import dev.loggregator.trafficcontroller.logcache.promql.PromQLEndpoint;
import dev.loggregator.trafficcontroller.logcache.promql.PromQLGrpcService;
import dev.loggregator.trafficcontroller.logcache.promql.PromQLQueries;
import dev.loggregator.trafficcontroller.auth.JwtTokenVerifier;
import dev.loggregator.trafficcontroller.auth.LogAccessChecker;
import dev.loggregator.trafficcontroller.auth.TokenVerifier;
import dev.loggregator.trafficcontroller.auth.UaaTokenVerifier;
import dev.loggregator.trafficcontroller.connections.ClientLimits;
import dev.loggregator.trafficcontroller.connections.ConnectionGate;
import dev.loggregator.trafficcontroller.connections.StreamQuota;
import dev.loggregator.trafficcontroller.dopplers.DopplerAddress;
import dev.loggregator.trafficcontroller.dopplers.DopplerConnector;
import dev.loggregator.trafficcontroller.dopplers.DopplerCredentials;
import dev.loggregator.trafficcontroller.dopplers.DopplerDirectory;
import dev.loggregator.trafficcontroller.dopplers.DopplerHttp;
import dev.loggregator.trafficcontroller.dopplers.DopplerQueries;
import dev.loggregator.trafficcontroller.metrics.SelfMetricsEmitter;
import dev.loggregator.trafficcontroller.metrics.TrafficControllerMetrics;
import dev.loggregator.trafficcontroller.stream.AppStreamHub;
import dev.loggregator.trafficcontroller.stream.FairShareRule;
import dev.loggregator.trafficcontroller.stream.StreamBudget;
import dev.loggregator.trafficcontroller.ui.UiEndpoint;
import dev.loggregator.trafficcontroller.v2.V2Settings;
import dev.loggregator.trafficcontroller.grpc.GrpcApiServer;
import dev.loggregator.trafficcontroller.logcache.LogCacheGrpcService;
import dev.loggregator.trafficcontroller.v2.grpc.EgressService;
import dev.loggregator.manifest.TlsFiles;
import dev.loggregator.server.tls.TlsContexts;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One Traffic Controller: wires the manifest's settings into the listener, auth, Doppler links and metrics. */
public final class TrafficController implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TrafficController.class);
    /**
     * Doppler links quiet this long are pinged; one silent for {@code DOPPLER_LINK_STALL} (no frame, no
     * pong) is re-dialled, so a partition that heals is crossed on a new connection within about a
     * second rather than after TCP's backed-off retransmissions (docs/internal-protocol.md).
     */
    private static final java.time.Duration DOPPLER_PING = java.time.Duration.ofSeconds(1);
    private static final java.time.Duration DOPPLER_LINK_STALL = java.time.Duration.ofSeconds(3);
    /** Log Cache and PromQL requests to Dopplers: event loops, kept-alive connections per Doppler, requests waiting for one. */
    private static final int DOPPLER_HTTP_THREADS = 2;
    private static final int DOPPLER_HTTP_CONNECTIONS = 64;
    private static final int DOPPLER_HTTP_PENDING = 4096;
    /** A Log Cache read answer is at most 1,000 envelopes of at most max_envelope_bytes; a series answer is bounded by max_samples. */
    private static final int DOPPLER_HTTP_MAX_BODY = 256 * 1024 * 1024;
    /** How long a stopping Traffic Controller waits for the Dopplers to retire its group links. */
    private static final java.time.Duration HAND_OVER = java.time.Duration.ofSeconds(2);

    private final Manifest manifest;
    private final int index;
    private final TrafficControllerMetrics metrics;
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, daemon("tc-scheduler"));
    private final ExecutorService authExecutor = Executors.newFixedThreadPool(16, daemon("tc-auth"));
    private final ApiServer api = new ApiServer();
    private HealthServer health;
    private volatile HealthStatus status = HealthStatus.STARTING;
    private DopplerConnector connector;
    private SelfMetricsEmitter selfMetrics;
    private GrpcApiServer grpcApi;
    private ExecutorService grpcDrains;
    private PromQLQueries promql;
    private DopplerHttp dopplerHttp;

    public TrafficController(Manifest manifest, int index) {
        this.manifest = manifest;
        this.index = index;
        this.metrics = new TrafficControllerMetrics(manifest.trafficController().maxCountedApps());
    }

    public void start() throws IOException, InterruptedException {
        JulBridge.install();
        TrafficControllerSection section = manifest.trafficController();
        TrafficControllerSection.Instance instance = section.instance(index);
        if (instance.healthPort() > 0) {
            health = new HealthServer(instance.host(), instance.healthPort(), metrics.registry(), () -> status);
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).executor(authExecutor).build();
        TrafficControllerSection.Auth auth = section.auth();
        TokenVerifier verifier = verifier(auth, http);
        if (verifier instanceof CachingTokenVerifier cache) {
            metrics.tokenCache(cache::size, cache::shed);
        }
        AccessPolicy policy = accessPolicy(auth, verifier, http);
        LogCacheAccess logCacheAccess = new LogCacheAccess(auth.disableAccessControl(), verifier,
                auth.cloudController().url() == null ? null
                        : new CapiClient(http, auth.cloudController().url(), auth.cloudController().cacheSeconds(),
                                auth.cloudController().cacheMaxEntries()),
                authExecutor);

        DopplerSection dopplers = manifest.doppler();
        DopplerDirectory directory = directory(dopplers);
        DopplerCredentials credentials = DopplerCredentials.of(manifest.properties().internalSecret());
        connector = new DopplerConnector(directory, scheduler, metrics, dopplers.maxEnvelopeBytes(), DOPPLER_PING,
                DOPPLER_LINK_STALL, credentials);
        metrics.dopplerLinks(connector::openLinks);
        AppStreamHub appStreams = new AppStreamHub(connector);
        DopplerQueries queries = new DopplerQueries(directory, http, dopplers.maxEnvelopeBytes(), Duration.ofSeconds(5),
                credentials);

        long keepaliveMillis = section.keepaliveSeconds() * 1000L;
        StreamBudget streamBudget = new StreamBudget(streamBufferBytes(section.streamBufferBytes()));
        metrics.streamBuffer(streamBudget);
        FairShareRule fairShare = new FairShareRule(section.fairShareFactor(), section.fairShareMaxApps());
        StreamSettings settings = new StreamSettings(keepaliveMillis, 2 * keepaliveMillis,
                section.slowConsumerTimeoutSeconds() * 1000L, section.outgoingBufferSize(), streamBudget, fairShare,
                section.maxLossNotices());
        V2Settings v2 = new V2Settings(section.v2().heartbeatSeconds() * 1000L, section.v2().streamTimeoutSeconds() * 1000L,
                section.v2().maxSourceIds(), section.outgoingBufferSize(), streamBudget, section.slowConsumerTimeoutSeconds() * 1000L,
                fairShare);
        int port = manifest.trafficControllerPort(index);
        TrafficControllerSection.Limits limits = section.limits();
        ConnectionLimits connectionLimits = new ConnectionLimits(limits.maxConnections(),
                limits.maxConnectionsPerAddress(), proxyAddresses(manifest));
        metrics.clientConnections(connectionLimits::total);
        ConnectionGate gate = new ConnectionGate(connectionLimits, metrics);
        TrafficControllerSection.PromQL promqlSettings = section.promql();
        // Log Cache reads wait 5 s for a Doppler; a PromQL query's samples its whole query timeout.
        dopplerHttp = new DopplerHttp(DOPPLER_HTTP_THREADS, DOPPLER_HTTP_CONNECTIONS, DOPPLER_HTTP_PENDING, DOPPLER_HTTP_MAX_BODY,
                Math.max(1, dopplers.idleConnectionTimeoutSeconds() / 2),
                Duration.ofSeconds(Math.max(5, promqlSettings.queryTimeoutSeconds())), credentials);
        LogCacheQueries logCacheQueries = new LogCacheQueries(directory, dopplerHttp);
        promql = new PromQLQueries(directory, dopplerHttp, promqlSettings.maxSamples(),
                Duration.ofSeconds(promqlSettings.queryTimeoutSeconds()), metrics.registry());
        LogCacheEndpoint logCache = new LogCacheEndpoint(logCacheAccess, logCacheQueries, metrics,
                new PromQLEndpoint(promqlSettings.enabled(), auth.disableAccessControl(), logCacheAccess, promql));
        api.start(instance.host(), port, tls(section), section.proxyProtocol(), policy, connector, appStreams,
                queries, metrics, settings, v2, logCache, manifest.properties().systemDomain(),
                new UiEndpoint(section.ui(), policy, http, manifest.properties().systemDomain()),
                new ClientLimits(gate, limits.requestTimeoutSeconds() * 1000L, limits.idleTimeoutSeconds() * 1000L,
                        new StreamQuota(limits.maxStreamsPerToken(), limits.maxStreamsPerSubscription())));

        if (instance.grpcPort() > 0) {
            TlsFiles grpcTls = section.v2().grpcTls();
            grpcDrains = Executors.newFixedThreadPool(2, daemon("tc-grpc-drain"));
            grpcApi = new GrpcApiServer(new InetSocketAddress(instance.host(), instance.grpcPort()),
                    grpcTls.configured() ? TlsContexts.forGrpc(grpcTls, "traffic_controller.v2.grpc_tls") : null,
                    List.of(new EgressService(connector, metrics, grpcDrains, section.outgoingBufferSize(), streamBudget,
                                    fairShare, section.v2().maxGrpcStreams()).definition(),
                            new LogCacheGrpcService(logCacheQueries).bindService(),
                            new PromQLGrpcService(promql).bindService()));
            grpcApi.start();
            LOG.info("Traffic Controller {} serving loggregator.v2.Egress, logcache.v1.Egress and PromQLQuerier on {}:{}{}", index,
                    instance.host(), grpcApi.port(), grpcTls.configured() ? " (TLS)" : "");
        }
        selfMetrics = new SelfMetricsEmitter(metrics, () -> ingressTargets(dopplers, directory), manifest.name(), index,
                instance.host());
        selfMetrics.start(scheduler, section.metricsIntervalSeconds());
        status = HealthStatus.UP;
        LOG.info("Traffic Controller {} serving the Loggregator v1 API on {}:{} (Dopplers: {})", index,
                instance.host(), port, directory.current());
    }

    /** The token verifier of {@code traffic_controller.auth}; null when access control is off. */
    private static TokenVerifier verifier(TrafficControllerSection.Auth auth, HttpClient http) throws IOException {
        if (auth.disableAccessControl()) {
            return null;
        }
        TokenVerifier verifier;
        if (auth.uaa().url() != null) {
            verifier = new UaaTokenVerifier(http, auth.uaa().url(), auth.uaa().clientId(), auth.uaa().clientSecret());
        } else {
            RSAPublicKey pem = auth.jwt().publicKeyPem() == null ? null
                    : JwtTokenVerifier.readPemPublicKey(Path.of(auth.jwt().publicKeyPem()));
            TrafficControllerSection.Jwt jwt = auth.jwt();
            verifier = new JwtTokenVerifier(jwt.hs256Secret(), pem, jwt.jwksUrl(),
                    ClaimRules.of(jwt.issuer(), jwt.audience(), Duration.ofSeconds(jwt.clockSkewSeconds())));
        }
        return auth.tokenCacheSeconds() == 0 ? verifier : new CachingTokenVerifier(verifier, auth.tokenCacheSeconds(), auth.tokenCacheMaxTokens());
    }

    /**
     * Proxies whose connections carry many clients: {@code limits.proxy_addresses}, and the
     * gateway's address when one is deployed (a wildcard bind address names no source address).
     */
    private static Set<InetAddress> proxyAddresses(Manifest manifest) {
        Set<InetAddress> addresses = new LinkedHashSet<>();
        manifest.trafficController().limits().proxyAddresses().forEach(a -> addresses.add(IpLiterals.parse(a)));
        String gatewayHost = manifest.gateway().host();
        if (manifest.gateway().enabled() && IpLiterals.isIpLiteral(gatewayHost)) {
            InetAddress gateway = IpLiterals.parse(gatewayHost);
            if (!gateway.isAnyLocalAddress()) {
                addresses.add(gateway);
            }
        }
        return addresses;
    }

    private AccessPolicy accessPolicy(TrafficControllerSection.Auth auth, TokenVerifier verifier, HttpClient http) {
        if (auth.disableAccessControl()) {
            LOG.warn("**********************************************************************");
            LOG.warn("* ACCESS CONTROL IS DISABLED (traffic_controller.auth.disable_access_control)");
            LOG.warn("* Anyone who can reach this port can read every app's logs and the firehose.");
            LOG.warn("* Use this for development only.");
            LOG.warn("**********************************************************************");
            return new AccessPolicy(true, null, null, auth.adminScopes(), authExecutor);
        }
        LogAccessChecker logAccess = auth.cloudController().url() == null ? null
                : new LogAccessChecker(http, auth.cloudController().url(), auth.cloudController().cacheSeconds(),
                        auth.cloudController().cacheMaxEntries());
        return new AccessPolicy(false, verifier, logAccess, auth.adminScopes(), authExecutor);
    }

    private DopplerDirectory directory(DopplerSection dopplers) {
        if (dopplers.dns() != null) {
            // The JVM would otherwise cache the answer for 30 s regardless of refresh_seconds.
            java.security.Security.setProperty("networkaddress.cache.ttl",
                    Integer.toString(Math.max(1, dopplers.dns().refreshSeconds() / 2)));
            return DopplerDirectory.dns(dopplers.dns().name(), dopplers.dns().wsPort(), dopplers.dns().refreshSeconds(),
                    scheduler);
        }
        Set<DopplerAddress> addresses = new LinkedHashSet<>();
        for (DopplerSection.Instance doppler : dopplers.instances()) {
            addresses.add(new DopplerAddress(doppler.internalHost(), doppler.wsPort()));
        }
        return DopplerDirectory.fixed(addresses);
    }

    /** Dopplers' dropsonde TCP ingress, for self-metrics; Dopplers found by DNS use the first instance's tcp_port. */
    private static List<InetSocketAddress> ingressTargets(DopplerSection dopplers, DopplerDirectory directory) {
        List<InetSocketAddress> targets = new ArrayList<>();
        if (dopplers.dns() != null) {
            int tcpPort = dopplers.instance(0).tcpPort();
            if (tcpPort > 0) {
                directory.current().forEach(d -> targets.add(new InetSocketAddress(d.host(), tcpPort)));
            }
        } else {
            for (DopplerSection.Instance doppler : dopplers.instances()) {
                if (doppler.tcpPort() > 0) {
                    targets.add(new InetSocketAddress(doppler.host(), doppler.tcpPort()));
                }
            }
        }
        return targets;
    }

    private static SslContext tls(TrafficControllerSection section) throws IOException {
        if (!section.tls().configured()) {
            return null;
        }
        return SslContextBuilder.forServer(new File(section.tls().cert()), new File(section.tls().key())).build();
    }

    /**
     * Drains: health says DRAINING, the listener closes, the Dopplers hand this Traffic Controller's
     * share of every shared firehose and v2 stream to the other members (up to {@code HAND_OVER}, while
     * what they already sent here still reaches the clients), clients get 1001, Doppler links close.
     */
    @Override
    public void close() {
        status = HealthStatus.DRAINING;
        if (selfMetrics != null) {
            selfMetrics.close();
        }
        api.stopAccepting();
        if (connector != null) {
            connector.handOver(HAND_OVER);
        }
        api.drain();
        if (grpcApi != null) {
            grpcApi.close();
            grpcDrains.shutdownNow();
        }
        if (connector != null) {
            connector.close();
        }
        if (promql != null) {
            promql.close();
        }
        if (dopplerHttp != null) {
            dopplerHttp.close();
        }
        api.close();
        scheduler.shutdownNow();
        authExecutor.shutdownNow();
        if (health != null) {
            health.close();
        }
        LOG.info("Traffic Controller {} stopped", index);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** The manifest's byte budget of the streams of many apps; 0 means a sixteenth of this JVM's heap. */
    private static long streamBufferBytes(long configured) {
        return configured > 0 ? configured
                : Math.max(TrafficControllerSection.MIN_STREAM_BUFFER_BYTES, Runtime.getRuntime().maxMemory() / 16);
    }
}
