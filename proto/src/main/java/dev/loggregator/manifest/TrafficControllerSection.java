package dev.loggregator.manifest;

import java.util.List;

/** The {@code traffic_controller:} section: every Traffic Controller, its auth and stream settings. */
public record TrafficControllerSection(
        List<Instance> instances,
        Auth auth,
        Integer keepaliveSeconds,
        Integer slowConsumerTimeoutSeconds,
        Integer outgoingBufferSize,
        Long streamBufferBytes,
        Double fairShareFactor,
        Integer fairShareMaxApps,
        Integer maxCountedApps,
        Integer maxLossNotices,
        Boolean proxyProtocol,
        Integer metricsIntervalSeconds,
        TlsFiles tls,
        V2 v2,
        Ui ui,
        Limits limits,
        PromQL promql) {

    /** The Traffic Controller's own port when a gateway owns {@code logger_endpoint.port}. */
    public static final int DEFAULT_INTERNAL_PORT = 8080;
    /** The least {@code stream_buffer_bytes} may be when set: a few batches of large envelopes. */
    public static final long MIN_STREAM_BUFFER_BYTES = 1 << 20;

    public TrafficControllerSection {
        instances = instances == null || instances.isEmpty() ? List.of(Instance.defaults()) : List.copyOf(instances);
        auth = auth == null ? Auth.defaults() : auth;
        keepaliveSeconds = keepaliveSeconds == null ? 15 : keepaliveSeconds;
        slowConsumerTimeoutSeconds = slowConsumerTimeoutSeconds == null ? 5 : slowConsumerTimeoutSeconds;
        outgoingBufferSize = outgoingBufferSize == null ? 10_000 : outgoingBufferSize;
        streamBufferBytes = streamBufferBytes == null ? 0L : streamBufferBytes; // 0: a sixteenth of the heap
        fairShareFactor = fairShareFactor == null ? 2.0 : fairShareFactor;
        fairShareMaxApps = fairShareMaxApps == null ? 100_000 : fairShareMaxApps;
        maxCountedApps = maxCountedApps == null ? 1000 : maxCountedApps;
        maxLossNotices = maxLossNotices == null ? 10_000 : maxLossNotices;
        proxyProtocol = proxyProtocol != null && proxyProtocol;
        metricsIntervalSeconds = metricsIntervalSeconds == null ? 5 : metricsIntervalSeconds;
        tls = tls == null ? TlsFiles.none() : tls;
        v2 = v2 == null ? V2.defaults() : v2;
        ui = ui == null ? Ui.defaults() : ui;
        limits = limits == null ? Limits.defaults() : limits;
        promql = promql == null ? PromQL.defaults() : promql;
    }

    static TrafficControllerSection defaults() {
        return new TrafficControllerSection(null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null);
    }

    public Instance instance(int index) {
        if (index < 0 || index >= instances.size()) {
            throw new ManifestException("traffic_controller.instances has " + instances.size()
                    + " entries; there is no index " + index);
        }
        return instances.get(index);
    }

    void validate() {
        for (int i = 0; i < instances.size(); i++) {
            Instance instance = instances.get(i);
            String key = "traffic_controller.instances[" + i + "]";
            if (instance.port() != null) {
                InvalidManifestValue.requirePort(key + ".port", instance.port(), false);
            }
            InvalidManifestValue.requirePort(key + ".health_port", instance.healthPort(), true);
            InvalidManifestValue.requirePort(key + ".grpc_port", instance.grpcPort(), true);
        }
        InvalidManifestValue.requirePositive("traffic_controller.keepalive_seconds", keepaliveSeconds);
        InvalidManifestValue.requirePositive("traffic_controller.slow_consumer_timeout_seconds", slowConsumerTimeoutSeconds);
        InvalidManifestValue.requirePositive("traffic_controller.outgoing_buffer_size", outgoingBufferSize);
        if (streamBufferBytes != 0 && streamBufferBytes < MIN_STREAM_BUFFER_BYTES) {
            throw new InvalidManifestValue("traffic_controller.stream_buffer_bytes",
                    "must be 0 (a sixteenth of the heap) or at least " + MIN_STREAM_BUFFER_BYTES + " (1 MiB)");
        }
        if (fairShareFactor != 0 && !(fairShareFactor >= 1)) {
            throw new InvalidManifestValue("traffic_controller.fair_share_factor", "must be 0 (off) or at least 1");
        }
        InvalidManifestValue.requirePositive("traffic_controller.fair_share_max_apps", fairShareMaxApps);
        InvalidManifestValue.requirePositive("traffic_controller.max_counted_apps", maxCountedApps);
        InvalidManifestValue.requirePositive("traffic_controller.max_loss_notices", maxLossNotices);
        InvalidManifestValue.requirePositive("traffic_controller.metrics_interval_seconds", metricsIntervalSeconds);
        auth.validate();
        tls.validate("traffic_controller.tls");
        v2.validate();
        ui.validate();
        limits.validate();
        promql.validate();
    }

    /**
     * One Traffic Controller. {@code port} unset means: {@code properties.logger_endpoint.port},
     * or {@link #DEFAULT_INTERNAL_PORT} when a gateway is deployed (see {@link Manifest#trafficControllerPort}).
     */
    public record Instance(String host, Integer port, Integer healthPort, Integer grpcPort) {
        public Instance {
            host = host == null ? "127.0.0.1" : host;
            healthPort = healthPort == null ? 14826 : healthPort;
            grpcPort = grpcPort == null ? 0 : grpcPort;
        }

        static Instance defaults() {
            return new Instance(null, null, null, null);
        }
    }

    /**
     * The v2 read APIs (the RLP gateway's {@code /v2/read} and the gRPC {@code loggregator.v2.Egress}):
     * the SSE heartbeat after this long without data, the stream lifetime after which the client is
     * told {@code closing} and must reconnect, and the gRPC egress TLS (mutual when {@code ca} is set).
     */
    public record V2(Integer heartbeatSeconds, Integer streamTimeoutSeconds, Integer maxSourceIds, TlsFiles grpcTls,
                     Integer maxGrpcStreams) {
        public V2 {
            maxGrpcStreams = maxGrpcStreams == null ? 500 : maxGrpcStreams;
            heartbeatSeconds = heartbeatSeconds == null ? 15 : heartbeatSeconds;
            streamTimeoutSeconds = streamTimeoutSeconds == null ? 840 : streamTimeoutSeconds;
            maxSourceIds = maxSourceIds == null ? 100 : maxSourceIds;
            grpcTls = grpcTls == null ? TlsFiles.none() : grpcTls;
        }

        static V2 defaults() {
            return new V2(null, null, null, null, null);
        }

        void validate() {
            InvalidManifestValue.requirePositive("traffic_controller.v2.heartbeat_seconds", heartbeatSeconds);
            InvalidManifestValue.requirePositive("traffic_controller.v2.stream_timeout_seconds", streamTimeoutSeconds);
            InvalidManifestValue.requirePositive("traffic_controller.v2.max_source_ids", maxSourceIds);
            InvalidManifestValue.requirePositive("traffic_controller.v2.max_grpc_streams", maxGrpcStreams);
            grpcTls.validate("traffic_controller.v2.grpc_tls");
        }
    }

    /**
     * The web log viewer served under {@code /ui/}: whether it is served, how many lines a page keeps
     * (shown, and held while paused), and the UAA a person may sign in with by password or client
     * credentials (none: the page only takes a pasted token).
     */
    public record Ui(Boolean enabled, Integer bufferLines, Integer pauseBufferLines, Login login) {
        public Ui {
            enabled = enabled == null || enabled;
            bufferLines = bufferLines == null ? 20_000 : bufferLines;
            pauseBufferLines = pauseBufferLines == null ? 20_000 : pauseBufferLines;
            login = login == null ? new Login(null, null, null) : login;
        }

        static Ui defaults() {
            return new Ui(null, null, null, null);
        }

        void validate() {
            InvalidManifestValue.requirePositive("traffic_controller.ui.buffer_lines", bufferLines);
            InvalidManifestValue.requirePositive("traffic_controller.ui.pause_buffer_lines", pauseBufferLines);
            if (bufferLines > 1_000_000 || pauseBufferLines > 1_000_000) {
                throw new InvalidManifestValue("traffic_controller.ui.buffer_lines",
                        "a page holds at most 1000000 lines (buffer_lines and pause_buffer_lines)");
            }
        }
    }

    /** The UAA the web viewer signs people in with ({@code POST {uaa_url}/oauth/token}), as the cf CLI does with client {@code cf}. */
    public record Login(String uaaUrl, String clientId, String clientSecret) {
        public Login {
            clientId = clientId == null ? "cf" : clientId;
            clientSecret = clientSecret == null ? "" : clientSecret;
        }
    }

    /**
     * Log Cache's PromQL API ({@code /api/v1/query}, {@code /api/v1/query_range}, gRPC {@code PromQLQuerier}):
     * off answers the HTTP paths 501 as Log Cache's {@code PROMQL_UNIMPLEMENTED}; the most samples one query
     * may load; how long one query may take.
     */
    public record PromQL(Boolean enabled, Long maxSamples, Integer queryTimeoutSeconds) {
        public PromQL {
            enabled = enabled == null || enabled;
            maxSamples = maxSamples == null ? 5_000_000L : maxSamples;
            queryTimeoutSeconds = queryTimeoutSeconds == null ? 10 : queryTimeoutSeconds;
        }

        static PromQL defaults() {
            return new PromQL(null, null, null);
        }

        void validate() {
            if (maxSamples <= 0) {
                throw new InvalidManifestValue("traffic_controller.promql.max_samples", "must be positive");
            }
            InvalidManifestValue.requirePositive("traffic_controller.promql.query_timeout_seconds", queryTimeoutSeconds);
        }
    }

    /**
     * How clients are authorised. Tokens are JWTs verified locally (one of {@code jwt}'s keys)
     * unless {@code uaa.url} is set, which switches to UAA {@code check_token}.
     */
    public record Auth(
            Boolean disableAccessControl,
            Jwt jwt,
            Uaa uaa,
            CloudController cloudController,
            List<String> adminScopes,
            Integer tokenCacheSeconds,
            Integer tokenCacheMaxTokens) {

        public Auth {
            disableAccessControl = disableAccessControl != null && disableAccessControl;
            jwt = jwt == null ? new Jwt(null, null, null, null, null, null) : jwt;
            uaa = uaa == null ? new Uaa(null, null, null) : uaa;
            cloudController = cloudController == null ? new CloudController(null, null, null) : cloudController;
            adminScopes = adminScopes == null ? List.of("doppler.admin", "cloud_controller.admin") : List.copyOf(adminScopes);
            tokenCacheSeconds = tokenCacheSeconds == null ? 60 : tokenCacheSeconds;
            tokenCacheMaxTokens = tokenCacheMaxTokens == null ? 10_000 : tokenCacheMaxTokens;
        }

        static Auth defaults() {
            return new Auth(null, null, null, null, null, null, null);
        }

        void validate() {
            if (tokenCacheSeconds < 0 || tokenCacheSeconds > 3600) {
                throw new InvalidManifestValue("traffic_controller.auth.token_cache_seconds",
                        "must be between 0 and 3600, got " + tokenCacheSeconds);
            }
            InvalidManifestValue.requirePositive("traffic_controller.auth.token_cache_max_tokens", tokenCacheMaxTokens);
            InvalidManifestValue.requirePositive("traffic_controller.auth.cloud_controller.cache_max_entries",
                    cloudController.cacheMaxEntries());
            if (!disableAccessControl && uaa.url() == null
                    && jwt.hs256Secret() == null && jwt.publicKeyPem() == null && jwt.jwksUrl() == null) {
                throw new InvalidManifestValue("traffic_controller.auth",
                        "access control is on but no token verifier is configured: set jwt.hs256_secret, "
                                + "jwt.public_key_pem, jwt.jwks_url or uaa.url (or disable_access_control: true for development)");
            }
            jwt.validate();
        }
    }

    /**
     * Local JWT verification: HS256 with a shared secret, RS256 with a PEM public key or a JWKS URL.
     * {@code issuer} and {@code audience}, when set, must be the token's {@code iss} and among its
     * {@code aud}; {@code iat} and {@code nbf} may lie at most {@code clock_skew_seconds} in the future.
     */
    public record Jwt(String hs256Secret, String publicKeyPem, String jwksUrl, String issuer, String audience,
                      Integer clockSkewSeconds) {
        public Jwt {
            clockSkewSeconds = clockSkewSeconds == null ? 30 : clockSkewSeconds;
        }

        void validate() {
            if (clockSkewSeconds < 0 || clockSkewSeconds > 300) {
                throw new InvalidManifestValue("traffic_controller.auth.jwt.clock_skew_seconds",
                        "must be between 0 and 300, got " + clockSkewSeconds);
            }
            if (issuer != null && issuer.isBlank()) {
                throw new InvalidManifestValue("traffic_controller.auth.jwt.issuer", "must not be empty");
            }
            if (audience != null && audience.isBlank()) {
                throw new InvalidManifestValue("traffic_controller.auth.jwt.audience", "must not be empty");
            }
        }
    }

    /**
     * What one client may hold of a Traffic Controller. {@code proxy_addresses} (the gateway's
     * host is added when a gateway is enabled) count only against {@code max_connections}: they
     * carry many clients. A request (head and body) must arrive within {@code request_timeout_seconds}
     * of the connection opening or of its first byte; a keep-alive connection may wait
     * {@code idle_timeout_seconds} for the next request. One token may hold
     * {@code max_streams_per_token} firehose and {@code /v2/read} streams, and one firehose
     * subscription id or v2 shard id {@code max_streams_per_subscription}.
     */
    public record Limits(
            Integer maxConnections,
            Integer maxConnectionsPerAddress,
            Integer requestTimeoutSeconds,
            Integer idleTimeoutSeconds,
            List<String> proxyAddresses,
            Integer maxStreamsPerToken,
            Integer maxStreamsPerSubscription) {

        public Limits {
            maxConnections = maxConnections == null ? 10_000 : maxConnections;
            maxConnectionsPerAddress = maxConnectionsPerAddress == null ? 256 : maxConnectionsPerAddress;
            requestTimeoutSeconds = requestTimeoutSeconds == null ? 10 : requestTimeoutSeconds;
            idleTimeoutSeconds = idleTimeoutSeconds == null ? 60 : idleTimeoutSeconds;
            proxyAddresses = proxyAddresses == null ? List.of() : List.copyOf(proxyAddresses);
            maxStreamsPerToken = maxStreamsPerToken == null ? 100 : maxStreamsPerToken;
            maxStreamsPerSubscription = maxStreamsPerSubscription == null ? 100 : maxStreamsPerSubscription;
        }

        static Limits defaults() {
            return new Limits(null, null, null, null, null, null, null);
        }

        void validate() {
            InvalidManifestValue.requirePositive("traffic_controller.limits.max_connections", maxConnections);
            InvalidManifestValue.requirePositive("traffic_controller.limits.max_connections_per_address", maxConnectionsPerAddress);
            InvalidManifestValue.requirePositive("traffic_controller.limits.request_timeout_seconds", requestTimeoutSeconds);
            InvalidManifestValue.requirePositive("traffic_controller.limits.idle_timeout_seconds", idleTimeoutSeconds);
            InvalidManifestValue.requirePositive("traffic_controller.limits.max_streams_per_token", maxStreamsPerToken);
            InvalidManifestValue.requirePositive("traffic_controller.limits.max_streams_per_subscription",
                    maxStreamsPerSubscription);
            for (int i = 0; i < proxyAddresses.size(); i++) {
                if (!IpLiterals.isIpLiteral(proxyAddresses.get(i))) {
                    throw new InvalidManifestValue("traffic_controller.limits.proxy_addresses[" + i + "]",
                            "must be an IP address, got '" + proxyAddresses.get(i) + "'");
                }
            }
        }
    }

    /** UAA {@code check_token} mode (the original Traffic Controller's firehose check). */
    public record Uaa(String url, String clientId, String clientSecret) {
        public Uaa {
            clientId = clientId == null ? "doppler" : clientId;
            clientSecret = clientSecret == null ? "" : clientSecret;
        }
    }

    /** Cloud Controller for {@code GET {url}/internal/log_access/{app}}; results cached briefly. */
    public record CloudController(String url, Integer cacheSeconds, Integer cacheMaxEntries) {
        public CloudController {
            cacheSeconds = cacheSeconds == null ? 10 : cacheSeconds;
            cacheMaxEntries = cacheMaxEntries == null ? 100_000 : cacheMaxEntries;
        }
    }
}
