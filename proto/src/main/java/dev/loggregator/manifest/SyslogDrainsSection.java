package dev.loggregator.manifest;

import dev.loggregator.net.Cidr;
import java.util.List;

/**
 * {@code doppler.syslog_drains}: where Dopplers write apps' logs and metrics as RFC 5424 syslog
 * (loggregator-agent-release's syslog agent and binding cache). Bindings come from the manifest
 * (per app, and aggregate drains that take every envelope) and from a Cloud Controller-shaped
 * binding provider polled on an interval. Times named {@code _ms} are milliseconds.
 */
public record SyslogDrainsSection(
        List<Binding> bindings,
        List<AggregateDrain> aggregate,
        BindingProvider bindingProvider,
        Integer maxDrainsPerApp,
        Integer bufferSize,
        Integer threads,
        Boolean defaultDrainMetadata,
        Boolean allowLoopback,
        List<String> denyList,
        String trustedCa,
        Integer connectTimeoutMs,
        Integer writeTimeoutMs,
        Integer requestTimeoutMs,
        Integer maxBackoffMs,
        Integer maxRetries,
        Integer idleTimeoutSeconds,
        Integer noticeIntervalSeconds,
        Integer batchBytes,
        Integer batchIntervalMs) {

    /**
     * Link-local (which holds the cloud metadata address 169.254.169.254 of AWS, GCP, Azure and
     * OpenStack), Alibaba's metadata address, AWS's IPv6 metadata address and "this network".
     * Loopback is added unless {@code allow_loopback}.
     */
    public static final List<String> DEFAULT_DENY_LIST = List.of(
            "0.0.0.0/8", "169.254.0.0/16", "fe80::/10", "100.100.100.200/32", "fd00:ec2::254/128");

    public SyslogDrainsSection {
        bindings = bindings == null ? List.of() : List.copyOf(bindings);
        aggregate = aggregate == null ? List.of() : List.copyOf(aggregate);
        maxDrainsPerApp = maxDrainsPerApp == null ? 5 : maxDrainsPerApp;
        bufferSize = bufferSize == null ? 10_000 : bufferSize;
        threads = threads == null ? Math.max(1, Runtime.getRuntime().availableProcessors()) : threads;
        defaultDrainMetadata = defaultDrainMetadata == null ? Boolean.TRUE : defaultDrainMetadata;
        allowLoopback = allowLoopback == null ? Boolean.FALSE : allowLoopback;
        denyList = denyList == null ? DEFAULT_DENY_LIST : List.copyOf(denyList);
        connectTimeoutMs = connectTimeoutMs == null ? 10_000 : connectTimeoutMs;
        writeTimeoutMs = writeTimeoutMs == null ? 10_000 : writeTimeoutMs;
        requestTimeoutMs = requestTimeoutMs == null ? 20_000 : requestTimeoutMs;
        maxBackoffMs = maxBackoffMs == null ? 15_000 : maxBackoffMs;
        maxRetries = maxRetries == null ? 22 : maxRetries;
        idleTimeoutSeconds = idleTimeoutSeconds == null ? 600 : idleTimeoutSeconds;
        noticeIntervalSeconds = noticeIntervalSeconds == null ? 10 : noticeIntervalSeconds;
        batchBytes = batchBytes == null ? 512 * 1024 : batchBytes;
        batchIntervalMs = batchIntervalMs == null ? 1000 : batchIntervalMs;
    }

    static SyslogDrainsSection defaults() {
        return new SyslogDrainsSection(null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null);
    }

    /** True when nothing can ever bind a drain: the Doppler then starts none of the drain machinery. */
    public boolean unused() {
        return bindings.isEmpty() && aggregate.isEmpty() && bindingProvider == null;
    }

    void validate(String key) {
        for (int i = 0; i < bindings.size(); i++) {
            bindings.get(i).validate(key + ".bindings[" + i + "]");
        }
        for (int i = 0; i < aggregate.size(); i++) {
            aggregate.get(i).validate(key + ".aggregate[" + i + "]");
        }
        if (bindingProvider != null) {
            bindingProvider.validate(key + ".binding_provider");
        }
        InvalidManifestValue.requirePositive(key + ".max_drains_per_app", maxDrainsPerApp);
        InvalidManifestValue.requirePositive(key + ".buffer_size", bufferSize);
        InvalidManifestValue.requirePositive(key + ".threads", threads);
        InvalidManifestValue.requirePositive(key + ".connect_timeout_ms", connectTimeoutMs);
        InvalidManifestValue.requirePositive(key + ".write_timeout_ms", writeTimeoutMs);
        InvalidManifestValue.requirePositive(key + ".request_timeout_ms", requestTimeoutMs);
        InvalidManifestValue.requirePositive(key + ".max_backoff_ms", maxBackoffMs);
        InvalidManifestValue.requirePositive(key + ".max_retries", maxRetries);
        InvalidManifestValue.requirePositive(key + ".idle_timeout_seconds", idleTimeoutSeconds);
        InvalidManifestValue.requirePositive(key + ".notice_interval_seconds", noticeIntervalSeconds);
        InvalidManifestValue.requirePositive(key + ".batch_bytes", batchBytes);
        InvalidManifestValue.requirePositive(key + ".batch_interval_ms", batchIntervalMs);
        for (int i = 0; i < denyList.size(); i++) {
            try {
                Cidr.parse(denyList.get(i));
            } catch (IllegalArgumentException e) {
                throw new InvalidManifestValue(key + ".deny_list[" + i + "]", e.getMessage());
            }
        }
    }

    private static void requireText(String key, String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidManifestValue(key, "is required");
        }
    }

    /**
     * One app bound to one drain URL, as a user-provided service binding would: {@code hostname}
     * ({@code org.space.app}) is used when the envelope's tags do not name the app; {@code cert},
     * {@code key} and {@code ca} are PEM files (a client certificate for mutual TLS, a CA for the receiver).
     */
    public record Binding(String appId, String hostname, String url, String cert, String key, String ca) {
        void validate(String key) {
            requireText(key + ".app_id", appId);
            requireText(key + ".url", url);
            if ((cert == null) != (this.key == null)) {
                throw new InvalidManifestValue(key, "cert and key must be given together");
            }
        }
    }

    /** An operator-wide drain that receives every envelope of this Doppler (every app and the platform). */
    public record AggregateDrain(String url, String cert, String key, String ca) {
        void validate(String key) {
            requireText(key + ".url", url);
            if ((cert == null) != (this.key == null)) {
                throw new InvalidManifestValue(key, "cert and key must be given together");
            }
        }
    }

    /**
     * Cloud Controller's internal API {@code GET {url}/internal/v5/syslog_drain_urls?batch_size=N&next_id=M},
     * paged until {@code next_id} is 0, polled every {@code poll_interval_seconds}; {@code tls} is the
     * client certificate and CA for mutual TLS (as the binding cache uses it).
     */
    public record BindingProvider(String url, Integer batchSize, Integer pollIntervalSeconds, Integer timeoutSeconds,
                                  TlsFiles tls) {
        public BindingProvider {
            batchSize = batchSize == null ? 1000 : batchSize;
            pollIntervalSeconds = pollIntervalSeconds == null ? 60 : pollIntervalSeconds;
            timeoutSeconds = timeoutSeconds == null ? 30 : timeoutSeconds;
            tls = tls == null ? TlsFiles.none() : tls;
        }

        void validate(String key) {
            requireText(key + ".url", url);
            if (!url.startsWith("http://") && !url.startsWith("https://")) {
                throw new InvalidManifestValue(key + ".url", "must be an http:// or https:// URL, got " + url);
            }
            InvalidManifestValue.requirePositive(key + ".batch_size", batchSize);
            InvalidManifestValue.requirePositive(key + ".poll_interval_seconds", pollIntervalSeconds);
            InvalidManifestValue.requirePositive(key + ".timeout_seconds", timeoutSeconds);
            tls.validate(key + ".tls");
        }
    }
}
