package dev.loggregator.manifest;

import java.util.List;

/** The {@code traffic_controller:} section: every Traffic Controller, its auth and stream settings. */
public record TrafficControllerSection(
        List<Instance> instances,
        Auth auth,
        Integer keepaliveSeconds,
        Integer slowConsumerTimeoutSeconds,
        Integer outgoingBufferSize,
        Boolean proxyProtocol,
        Integer metricsIntervalSeconds,
        TlsFiles tls,
        V2 v2,
        PromQL promql) {

    /** The Traffic Controller's own port when a gateway owns {@code logger_endpoint.port}. */
    public static final int DEFAULT_INTERNAL_PORT = 8080;

    public TrafficControllerSection {
        instances = instances == null || instances.isEmpty() ? List.of(Instance.defaults()) : List.copyOf(instances);
        auth = auth == null ? Auth.defaults() : auth;
        keepaliveSeconds = keepaliveSeconds == null ? 15 : keepaliveSeconds;
        slowConsumerTimeoutSeconds = slowConsumerTimeoutSeconds == null ? 5 : slowConsumerTimeoutSeconds;
        outgoingBufferSize = outgoingBufferSize == null ? 10_000 : outgoingBufferSize;
        proxyProtocol = proxyProtocol != null && proxyProtocol;
        metricsIntervalSeconds = metricsIntervalSeconds == null ? 5 : metricsIntervalSeconds;
        tls = tls == null ? TlsFiles.none() : tls;
        v2 = v2 == null ? V2.defaults() : v2;
        promql = promql == null ? PromQL.defaults() : promql;
    }

    static TrafficControllerSection defaults() {
        return new TrafficControllerSection(null, null, null, null, null, null, null, null, null, null);
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
        InvalidManifestValue.requirePositive("traffic_controller.metrics_interval_seconds", metricsIntervalSeconds);
        auth.validate();
        tls.validate("traffic_controller.tls");
        v2.validate();
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
            List<String> adminScopes) {

        public Auth {
            disableAccessControl = disableAccessControl != null && disableAccessControl;
            jwt = jwt == null ? new Jwt(null, null, null) : jwt;
            uaa = uaa == null ? new Uaa(null, null, null) : uaa;
            cloudController = cloudController == null ? new CloudController(null, null) : cloudController;
            adminScopes = adminScopes == null ? List.of("doppler.admin", "cloud_controller.admin") : List.copyOf(adminScopes);
        }

        static Auth defaults() {
            return new Auth(null, null, null, null, null);
        }

        void validate() {
            if (!disableAccessControl && uaa.url() == null
                    && jwt.hs256Secret() == null && jwt.publicKeyPem() == null && jwt.jwksUrl() == null) {
                throw new InvalidManifestValue("traffic_controller.auth",
                        "access control is on but no token verifier is configured: set jwt.hs256_secret, "
                                + "jwt.public_key_pem, jwt.jwks_url or uaa.url (or disable_access_control: true for development)");
            }
        }
    }

    /** Local JWT verification: HS256 with a shared secret, RS256 with a PEM public key or a JWKS URL. */
    public record Jwt(String hs256Secret, String publicKeyPem, String jwksUrl) {
    }

    /** UAA {@code check_token} mode (the original Traffic Controller's firehose check). */
    public record Uaa(String url, String clientId, String clientSecret) {
        public Uaa {
            clientId = clientId == null ? "doppler" : clientId;
            clientSecret = clientSecret == null ? "" : clientSecret;
        }
    }

    /** Cloud Controller for {@code GET {url}/internal/log_access/{app}}; results cached briefly. */
    public record CloudController(String url, Integer cacheSeconds) {
        public CloudController {
            cacheSeconds = cacheSeconds == null ? 10 : cacheSeconds;
        }
    }
}
