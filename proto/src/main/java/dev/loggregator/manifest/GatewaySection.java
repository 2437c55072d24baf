package dev.loggregator.manifest;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The {@code gateway:} section. When enabled, the gateway owns {@code properties.logger_endpoint.port}
 * (plain or TLS after {@code logger_endpoint.use_ssl}) and routes {@code doppler.<system_domain>} to the
 * Traffic Controllers; {@code routes} add HTTP/WebSocket backends and {@code listeners} add ports
 * (more HTTP(S) ports, or TCP pass-through for load balancers that cannot carry WebSockets).
 * Routes are re-read while the gateway runs; everything else needs a restart.
 */
public record GatewaySection(
        Boolean enabled,
        String host,
        Integer adminPort,
        Boolean acceptProxyProtocol,
        List<Listener> listeners,
        List<Route> routes,
        Tls tls,
        Timeouts timeouts,
        Limits limits,
        Integer deadBackendTtlMs,
        Integer drainDeadlineMs,
        Gzip gzip,
        String requestIdHeader,
        Integer reloadIntervalMs,
        Integer threads,
        String transport,
        Integer preconnect,
        String handoverSocket) {

    public static final String ROUND_ROBIN = "round_robin";
    public static final String LEAST_CONNECTIONS = "least_connections";

    public GatewaySection {
        enabled = enabled != null && enabled;
        host = host == null ? "127.0.0.1" : host;
        adminPort = adminPort == null ? 14827 : adminPort;
        acceptProxyProtocol = acceptProxyProtocol != null && acceptProxyProtocol;
        listeners = listeners == null ? List.of() : List.copyOf(listeners);
        routes = routes == null ? List.of() : List.copyOf(routes);
        tls = tls == null ? new Tls(null, null) : tls;
        timeouts = timeouts == null ? Timeouts.defaults() : timeouts;
        limits = limits == null ? Limits.defaults() : limits;
        deadBackendTtlMs = deadBackendTtlMs == null ? 30_000 : deadBackendTtlMs;
        drainDeadlineMs = drainDeadlineMs == null ? 30_000 : drainDeadlineMs;
        gzip = gzip == null ? Gzip.defaults() : gzip;
        requestIdHeader = requestIdHeader == null ? "X-Request-Id" : requestIdHeader;
        reloadIntervalMs = reloadIntervalMs == null ? 2_000 : reloadIntervalMs;
        threads = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        transport = transport == null ? "auto" : transport;
        preconnect = preconnect == null ? 1 : preconnect;
        handoverSocket = handoverSocket == null ? "" : handoverSocket;
    }

    /** {@code handover_socket: none}: no listener hand-over (a restart then refuses connections while no process listens). */
    public static final String NO_HANDOVER = "none";

    static GatewaySection defaults() {
        return new GatewaySection(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    void validate() {
        InvalidManifestValue.requirePort("gateway.admin_port", adminPort, true);
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < listeners.size(); i++) {
            Listener listener = listeners.get(i);
            listener.validate("gateway.listeners[" + i + "]");
            if (!ports.add(listener.port())) {
                throw new InvalidManifestValue("gateway.listeners[" + i + "].port", "port " + listener.port() + " is used twice");
            }
        }
        for (int i = 0; i < routes.size(); i++) {
            routes.get(i).validate("gateway.routes[" + i + "]");
        }
        tls.validate();
        timeouts.validate();
        limits.validate();
        InvalidManifestValue.requirePositive("gateway.dead_backend_ttl_ms", deadBackendTtlMs);
        InvalidManifestValue.requirePositive("gateway.drain_deadline_ms", drainDeadlineMs);
        InvalidManifestValue.requirePositive("gateway.reload_interval_ms", reloadIntervalMs);
        InvalidManifestValue.requirePositive("gateway.threads", threads);
        if (preconnect < 0 || preconnect > 64) {
            throw new InvalidManifestValue("gateway.preconnect", "must be between 0 and 64, got " + preconnect);
        }
        if (!Set.of("auto", "epoll", "nio").contains(transport)) {
            throw new InvalidManifestValue("gateway.transport", "must be auto, epoll or nio, got '" + transport + "'");
        }
        if (requestIdHeader.isBlank() || !requestIdHeader.chars().allMatch(c -> c > 32 && c < 127 && c != ':')) {
            throw new InvalidManifestValue("gateway.request_id_header", "must be a header name, got '" + requestIdHeader + "'");
        }
        gzip.validate();
        // sockaddr_un holds 108 bytes with the terminating NUL.
        if (handoverSocket.getBytes(StandardCharsets.UTF_8).length > 107) {
            throw new InvalidManifestValue("gateway.handover_socket", "must be a Unix socket path of at most 107 bytes");
        }
    }

    /**
     * An extra port. {@code mode}: {@code http}, {@code https} (TLS with {@code gateway.tls}) or
     * {@code tcp} (byte pass-through to {@code backends}, the Traffic Controllers when empty).
     */
    public record Listener(
            Integer port,
            String mode,
            Boolean acceptProxyProtocol,
            List<String> backends,
            String balance,
            String sendProxyProtocol) {

        public Listener {
            mode = mode == null ? "http" : mode.toLowerCase(Locale.ROOT);
            acceptProxyProtocol = acceptProxyProtocol != null && acceptProxyProtocol;
            backends = backends == null ? List.of() : List.copyOf(backends);
            balance = balance == null ? LEAST_CONNECTIONS : balance.toLowerCase(Locale.ROOT);
            sendProxyProtocol = sendProxyProtocol == null ? "none" : sendProxyProtocol.toLowerCase(Locale.ROOT);
        }

        void validate(String key) {
            if (port == null) {
                throw new InvalidManifestValue(key + ".port", "is required");
            }
            InvalidManifestValue.requirePort(key + ".port", port, false);
            if (!List.of("http", "https", "tcp").contains(mode)) {
                throw new InvalidManifestValue(key + ".mode", "must be http, https or tcp, got '" + mode + "'");
            }
            if (!List.of("none", "v1", "v2").contains(sendProxyProtocol)) {
                throw new InvalidManifestValue(key + ".send_proxy_protocol", "must be none, v1 or v2, got '" + sendProxyProtocol + "'");
            }
            if (!"tcp".equals(mode) && (!backends.isEmpty() || !"none".equals(sendProxyProtocol))) {
                throw new InvalidManifestValue(key, "backends and send_proxy_protocol apply to tcp listeners only; http(s) listeners use gateway.routes");
            }
            requireBalance(key + ".balance", balance);
            for (int i = 0; i < backends.size(); i++) {
                requireAddress(key + ".backends[" + i + "]", backends.get(i));
            }
        }
    }

    /**
     * Requests whose {@code Host} matches one of {@code hosts} (exact, {@code *.domain} or {@code *}
     * for any) and whose path starts with {@code path_prefix} go to {@code backends}.
     */
    public record Route(String name, List<String> hosts, String pathPrefix, String balance, List<String> backends) {
        public Route {
            hosts = hosts == null ? List.of() : hosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
            pathPrefix = pathPrefix == null ? "/" : pathPrefix;
            balance = balance == null ? ROUND_ROBIN : balance.toLowerCase(Locale.ROOT);
            backends = backends == null ? List.of() : List.copyOf(backends);
            name = name == null ? String.join(",", hosts) + pathPrefix : name;
        }

        void validate(String key) {
            if (hosts.isEmpty()) {
                throw new InvalidManifestValue(key + ".hosts", "must list at least one host (or \"*\")");
            }
            for (int i = 0; i < hosts.size(); i++) {
                String host = hosts.get(i);
                if (host.isBlank() || host.indexOf('*', host.startsWith("*.") ? 2 : (host.equals("*") ? 1 : 0)) >= 0
                        || host.contains(" ") || host.contains("/")) {
                    throw new InvalidManifestValue(key + ".hosts[" + i + "]",
                            "must be a host name, \"*.domain\" or \"*\", got '" + host + "'");
                }
            }
            if (!pathPrefix.startsWith("/")) {
                throw new InvalidManifestValue(key + ".path_prefix", "must start with '/', got '" + pathPrefix + "'");
            }
            requireBalance(key + ".balance", balance);
            if (backends.isEmpty()) {
                throw new InvalidManifestValue(key + ".backends", "must list at least one host:port");
            }
            for (int i = 0; i < backends.size(); i++) {
                requireAddress(key + ".backends[" + i + "]", backends.get(i));
            }
        }
    }

    /** Certificates for https listeners: one per set of SNI names (from the certificate when omitted), and a default. */
    public record Tls(TlsFiles defaultCertificate, List<SniCertificate> sni) {
        public Tls {
            defaultCertificate = defaultCertificate == null ? TlsFiles.none() : defaultCertificate;
            sni = sni == null ? List.of() : List.copyOf(sni);
        }

        public boolean configured() {
            return defaultCertificate.configured() || !sni.isEmpty();
        }

        void validate() {
            defaultCertificate.validate("gateway.tls.default_certificate");
            for (int i = 0; i < sni.size(); i++) {
                SniCertificate entry = sni.get(i);
                if (entry.cert() == null || entry.key() == null) {
                    throw new InvalidManifestValue("gateway.tls.sni[" + i + "]", "cert and key are required");
                }
            }
        }
    }

    /** One certificate chosen when the client's SNI name is in {@code server_names}. */
    public record SniCertificate(List<String> serverNames, String cert, String key) {
        public SniCertificate {
            serverNames = serverNames == null ? List.of() : List.copyOf(serverNames);
        }
    }

    /** All in milliseconds. */
    public record Timeouts(
            Integer connectMs,
            Integer responseHeaderMs,
            Integer tunnelIdleMs,
            Integer halfCloseMs,
            Integer clientIdleMs,
            Integer backendIdleMs,
            Integer proxyProtocolHeaderMs,
            Integer httpRequestMs,
            Integer websocketCloseMs) {

        public Timeouts {
            connectMs = connectMs == null ? 5_000 : connectMs;
            responseHeaderMs = responseHeaderMs == null ? 60_000 : responseHeaderMs;
            tunnelIdleMs = tunnelIdleMs == null ? 3_600_000 : tunnelIdleMs;
            halfCloseMs = halfCloseMs == null ? 30_000 : halfCloseMs;
            clientIdleMs = clientIdleMs == null ? 60_000 : clientIdleMs;
            backendIdleMs = backendIdleMs == null ? 60_000 : backendIdleMs;
            proxyProtocolHeaderMs = proxyProtocolHeaderMs == null ? 5_000 : proxyProtocolHeaderMs;
            httpRequestMs = httpRequestMs == null ? 10_000 : httpRequestMs;
            websocketCloseMs = websocketCloseMs == null ? 2_000 : websocketCloseMs;
        }

        static Timeouts defaults() {
            return new Timeouts(null, null, null, null, null, null, null, null, null);
        }

        void validate() {
            InvalidManifestValue.requirePositive("gateway.timeouts.connect_ms", connectMs);
            InvalidManifestValue.requirePositive("gateway.timeouts.response_header_ms", responseHeaderMs);
            InvalidManifestValue.requirePositive("gateway.timeouts.tunnel_idle_ms", tunnelIdleMs);
            InvalidManifestValue.requirePositive("gateway.timeouts.half_close_ms", halfCloseMs);
            InvalidManifestValue.requirePositive("gateway.timeouts.client_idle_ms", clientIdleMs);
            InvalidManifestValue.requirePositive("gateway.timeouts.backend_idle_ms", backendIdleMs);
            InvalidManifestValue.requirePositive("gateway.timeouts.proxy_protocol_header_ms", proxyProtocolHeaderMs);
            InvalidManifestValue.requirePositive("gateway.timeouts.http_request_ms", httpRequestMs);
            InvalidManifestValue.requirePositive("gateway.timeouts.websocket_close_ms", websocketCloseMs);
        }
    }

    public record Limits(
            Integer maxConnections,
            Integer maxConnectionsPerAddress,
            Integer maxHeaderBytes,
            Integer maxRequestLineBytes,
            Integer maxAttempts,
            Integer maxIdleBackendConnections) {

        public Limits {
            maxConnections = maxConnections == null ? 10_000 : maxConnections;
            maxConnectionsPerAddress = maxConnectionsPerAddress == null ? 256 : maxConnectionsPerAddress;
            maxHeaderBytes = maxHeaderBytes == null ? 16_384 : maxHeaderBytes;
            maxRequestLineBytes = maxRequestLineBytes == null ? 8_192 : maxRequestLineBytes;
            maxAttempts = maxAttempts == null ? 3 : maxAttempts;
            maxIdleBackendConnections = maxIdleBackendConnections == null ? 32 : maxIdleBackendConnections;
        }

        static Limits defaults() {
            return new Limits(null, null, null, null, null, null);
        }

        void validate() {
            InvalidManifestValue.requirePositive("gateway.limits.max_connections", maxConnections);
            InvalidManifestValue.requirePositive("gateway.limits.max_connections_per_address", maxConnectionsPerAddress);
            InvalidManifestValue.requirePositive("gateway.limits.max_header_bytes", maxHeaderBytes);
            InvalidManifestValue.requirePositive("gateway.limits.max_request_line_bytes", maxRequestLineBytes);
            InvalidManifestValue.requirePositive("gateway.limits.max_attempts", maxAttempts);
            if (maxIdleBackendConnections < 0) {
                throw new InvalidManifestValue("gateway.limits.max_idle_backend_connections", "must be 0 or more");
            }
        }
    }

    /** gzip of compressible responses when the client accepts it and the backend did not compress. */
    public record Gzip(Boolean enabled, Integer level, Integer minBytes, List<String> types) {
        public Gzip {
            enabled = enabled != null && enabled;
            level = level == null ? 6 : level;
            minBytes = minBytes == null ? 1024 : minBytes;
            types = types == null
                    ? List.of("text/", "application/json", "application/javascript", "application/xml", "image/svg+xml")
                    : types.stream().map(t -> t.toLowerCase(Locale.ROOT)).toList();
        }

        static Gzip defaults() {
            return new Gzip(null, null, null, null);
        }

        void validate() {
            if (level < 1 || level > 9) {
                throw new InvalidManifestValue("gateway.gzip.level", "must be between 1 and 9, got " + level);
            }
            if (minBytes < 0) {
                throw new InvalidManifestValue("gateway.gzip.min_bytes", "must be 0 or more");
            }
        }
    }

    private static void requireBalance(String key, String balance) {
        if (!ROUND_ROBIN.equals(balance) && !LEAST_CONNECTIONS.equals(balance)) {
            throw new InvalidManifestValue(key, "must be round_robin or least_connections, got '" + balance + "'");
        }
    }

    /** {@code host:port} or {@code [v6]:port}. */
    private static void requireAddress(String key, String address) {
        int colon = address == null ? -1 : address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1) {
            throw new InvalidManifestValue(key, "must be host:port, got '" + address + "'");
        }
        try {
            InvalidManifestValue.requirePort(key, Integer.parseInt(address.substring(colon + 1)), false);
        } catch (NumberFormatException e) {
            throw new InvalidManifestValue(key, "must be host:port, got '" + address + "'");
        }
    }
}
