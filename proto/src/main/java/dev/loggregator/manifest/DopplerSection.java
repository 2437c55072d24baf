package dev.loggregator.manifest;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@code doppler:} section: every Doppler node and the settings they share. */
public record DopplerSection(
        List<Instance> instances,
        Dns dns,
        Integer maxRetainedLogMessages,
        Integer containerMetricTtlSeconds,
        Integer sinkInactivityTimeoutSeconds,
        Integer maxApps,
        Long maxRetainedBytes,
        Integer messageDrainBufferSize,
        Long linkBufferBytes,
        Integer ingressBufferSize,
        Long ingressBufferBytes,
        Integer maxEnvelopeBytes,
        Integer metricsIntervalSeconds,
        TlsFiles tls,
        Integer idleConnectionTimeoutSeconds,
        Integer linkSilenceSeconds,
        LogCache logCache,
        Integer replayBufferSize,
        Integer replaySeconds,
        Double fairShareFactor,
        Integer fairShareMaxApps,
        Integer dropNoticeMaxApps,
        LogRateLimit logRateLimit,
        SyslogDrainsSection syslogDrains) {

    /** A link's queue must hold a few of the largest envelopes (64 KiB, with their v1 forms). */
    public static final long MIN_LINK_BUFFER_BYTES = 1 << 20;
    /** A Traffic Controller pings a link it has heard nothing from for a second: a shorter silence would close live links. */
    public static final int MIN_LINK_SILENCE_SECONDS = 3;
    /** The per-app store must hold an app's recent logs at their largest (100 of 64 KiB would be more; 1 MiB is 16). */
    public static final long MIN_RETAINED_BYTES = 1 << 20;

    /** The heap budget of the per-app store: {@code max_retained_bytes}, or a sixteenth of {@code maxHeapBytes} when 0. */
    public long retainedBytesBudget(long maxHeapBytes) {
        return maxRetainedBytes > 0 ? maxRetainedBytes : Math.max(MIN_RETAINED_BYTES, maxHeapBytes / 16);
    }

    public DopplerSection {
        instances = instances == null || instances.isEmpty() ? List.of(Instance.defaults()) : List.copyOf(instances);
        maxRetainedLogMessages = maxRetainedLogMessages == null ? 100 : maxRetainedLogMessages;
        containerMetricTtlSeconds = containerMetricTtlSeconds == null ? 120 : containerMetricTtlSeconds;
        sinkInactivityTimeoutSeconds = sinkInactivityTimeoutSeconds == null ? 3600 : sinkInactivityTimeoutSeconds;
        maxApps = maxApps == null ? 100_000 : maxApps;
        maxRetainedBytes = maxRetainedBytes == null ? 0L : maxRetainedBytes; // 0: a sixteenth of the heap
        messageDrainBufferSize = messageDrainBufferSize == null ? 10_000 : messageDrainBufferSize;
        linkBufferBytes = linkBufferBytes == null ? 0L : linkBufferBytes; // 0: a sixteenth of the heap
        ingressBufferSize = ingressBufferSize == null ? 262_144 : ingressBufferSize;
        ingressBufferBytes = ingressBufferBytes == null ? 0L : ingressBufferBytes; // 0: an eighth of the heap
        maxEnvelopeBytes = maxEnvelopeBytes == null ? 64 * 1024 : maxEnvelopeBytes;
        metricsIntervalSeconds = metricsIntervalSeconds == null ? 5 : metricsIntervalSeconds;
        tls = tls == null ? TlsFiles.none() : tls;
        idleConnectionTimeoutSeconds = idleConnectionTimeoutSeconds == null ? 60 : idleConnectionTimeoutSeconds;
        linkSilenceSeconds = linkSilenceSeconds == null ? 45 : linkSilenceSeconds;
        logCache = logCache == null ? LogCache.defaults() : logCache;
        replayBufferSize = replayBufferSize == null ? 50_000 : replayBufferSize;
        replaySeconds = replaySeconds == null ? 30 : replaySeconds;
        fairShareFactor = fairShareFactor == null ? 2.0 : fairShareFactor;
        fairShareMaxApps = fairShareMaxApps == null ? 100_000 : fairShareMaxApps;
        dropNoticeMaxApps = dropNoticeMaxApps == null ? 10_000 : dropNoticeMaxApps;
        logRateLimit = logRateLimit == null ? LogRateLimit.defaults() : logRateLimit;
        syslogDrains = syslogDrains == null ? SyslogDrainsSection.defaults() : syslogDrains;
    }

    static DopplerSection defaults() {
        return new DopplerSection(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null);
    }

    public Instance instance(int index) {
        if (index < 0 || index >= instances.size()) {
            throw new ManifestException("doppler.instances has " + instances.size()
                    + " entries; there is no index " + index);
        }
        return instances.get(index);
    }

    void validate() {
        for (int i = 0; i < instances.size(); i++) {
            instances.get(i).validate("doppler.instances[" + i + "]");
        }
        if (dns != null) {
            dns.validate();
        }
        InvalidManifestValue.requirePositive("doppler.max_retained_log_messages", maxRetainedLogMessages);
        InvalidManifestValue.requirePositive("doppler.container_metric_ttl_seconds", containerMetricTtlSeconds);
        InvalidManifestValue.requirePositive("doppler.sink_inactivity_timeout_seconds", sinkInactivityTimeoutSeconds);
        InvalidManifestValue.requirePositive("doppler.max_apps", maxApps);
        if (maxRetainedBytes != 0 && maxRetainedBytes < MIN_RETAINED_BYTES) {
            throw new InvalidManifestValue("doppler.max_retained_bytes",
                    "must be 0 (a sixteenth of the heap) or at least " + MIN_RETAINED_BYTES + " (1 MiB)");
        }
        InvalidManifestValue.requirePositive("doppler.message_drain_buffer_size", messageDrainBufferSize);
        if (linkBufferBytes != 0 && linkBufferBytes < MIN_LINK_BUFFER_BYTES) {
            throw new InvalidManifestValue("doppler.link_buffer_bytes",
                    "must be 0 (a sixteenth of the heap) or at least " + MIN_LINK_BUFFER_BYTES + " (1 MiB)");
        }
        InvalidManifestValue.requirePositive("doppler.ingress_buffer_size", ingressBufferSize);
        if (ingressBufferBytes < 0) {
            throw new InvalidManifestValue("doppler.ingress_buffer_bytes", "must be 0 (an eighth of the heap) or positive");
        }
        InvalidManifestValue.requirePositive("doppler.max_envelope_bytes", maxEnvelopeBytes);
        InvalidManifestValue.requirePositive("doppler.metrics_interval_seconds", metricsIntervalSeconds);
        InvalidManifestValue.requirePositive("doppler.idle_connection_timeout_seconds", idleConnectionTimeoutSeconds);
        if (linkSilenceSeconds < MIN_LINK_SILENCE_SECONDS) {
            throw new InvalidManifestValue("doppler.link_silence_seconds", "must be at least " + MIN_LINK_SILENCE_SECONDS);
        }
        tls.validate("doppler.tls");
        logCache.validate();
        InvalidManifestValue.requirePositive("doppler.replay_buffer_size", replayBufferSize);
        InvalidManifestValue.requirePositive("doppler.replay_seconds", replaySeconds);
        if (fairShareFactor != 0 && fairShareFactor < 1) {
            throw new InvalidManifestValue("doppler.fair_share_factor", "must be 0 (off) or at least 1");
        }
        InvalidManifestValue.requirePositive("doppler.fair_share_max_apps", fairShareMaxApps);
        InvalidManifestValue.requirePositive("doppler.drop_notice_max_apps", dropNoticeMaxApps);
        syslogDrains.validate("doppler.syslog_drains");
        logRateLimit.validate();
    }

    /**
     * Per-app log-rate limits, as Cloud Foundry's {@code log_rate_limit_in_bytes_per_second}: each instance
     * of an app may emit this many bytes of its own log output per second (a token bucket whose burst is
     * one second's worth); -1 is unlimited, 0 drops every log. {@code apps} overrides the default per app
     * GUID (source id); at most {@code maxInstances} instances are tracked at once, and the logs dropped are
     * counted per app for at most {@code maxCountedApps} apps (the rest together).
     */
    public record LogRateLimit(Long defaultBytesPerSecond, Map<String, Long> apps, Integer maxInstances,
                               Integer maxCountedApps) {
        public static final long UNLIMITED = -1;
        /** 1 TB/s: far above anything a log stream reaches, and safe for the bucket's 64-bit arithmetic. */
        public static final long MAX_BYTES_PER_SECOND = 1_000_000_000_000L;

        public LogRateLimit {
            defaultBytesPerSecond = defaultBytesPerSecond == null ? UNLIMITED : defaultBytesPerSecond;
            // a null value is kept for validate() to name; Map.copyOf would throw on it
            apps = apps == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(apps));
            maxInstances = maxInstances == null ? 100_000 : maxInstances;
            maxCountedApps = maxCountedApps == null ? 1_000 : maxCountedApps;
        }

        static LogRateLimit defaults() {
            return new LogRateLimit(null, null, null, null);
        }

        /** Whether any app has a limit: when not, nothing is tracked or checked. */
        public boolean any() {
            return defaultBytesPerSecond != UNLIMITED || apps.values().stream().anyMatch(limit -> limit != UNLIMITED);
        }

        void validate() {
            requireLimit("doppler.log_rate_limit.default_bytes_per_second", defaultBytesPerSecond);
            apps.forEach((app, limit) -> {
                if (app == null || app.isBlank()) {
                    throw new InvalidManifestValue("doppler.log_rate_limit.apps", "an app GUID (source id) must not be empty");
                }
                requireLimit("doppler.log_rate_limit.apps." + app, limit);
            });
            InvalidManifestValue.requirePositive("doppler.log_rate_limit.max_instances", maxInstances);
            InvalidManifestValue.requirePositive("doppler.log_rate_limit.max_counted_apps", maxCountedApps);
        }

        private static void requireLimit(String key, Long limit) {
            if (limit == null) {
                throw new InvalidManifestValue(key, "must be a number of bytes per second (-1: unlimited)");
            }
            if (limit < UNLIMITED || limit > MAX_BYTES_PER_SECOND) {
                throw new InvalidManifestValue(key, "must be -1 (unlimited), 0 (no logs) or bytes per second up to "
                        + MAX_BYTES_PER_SECOND + ", got " + limit);
            }
        }
    }

    /**
     * The Log Cache store (every envelope per source id, for {@code /api/v1/read}): at most
     * {@code maxPerSource} envelopes per source, a memory budget of {@code memoryLimitBytes} (or, when
     * that is 0, {@code memoryLimitPercent} of the maximum heap) past which the globally oldest expire,
     * and at most {@code maxSources} sources.
     */
    public record LogCache(Boolean enabled, Integer maxPerSource, Long memoryLimitBytes, Integer memoryLimitPercent,
                           Integer maxSources) {
        public LogCache {
            enabled = enabled == null || enabled;
            maxPerSource = maxPerSource == null ? 100_000 : maxPerSource;
            memoryLimitBytes = memoryLimitBytes == null ? 0L : memoryLimitBytes;
            memoryLimitPercent = memoryLimitPercent == null ? 30 : memoryLimitPercent;
            maxSources = maxSources == null ? 100_000 : maxSources;
        }

        static LogCache defaults() {
            return new LogCache(null, null, null, null, null);
        }

        /** The byte budget on a JVM whose maximum heap is {@code maxHeapBytes}. */
        public long budgetBytes(long maxHeapBytes) {
            return memoryLimitBytes > 0 ? memoryLimitBytes : maxHeapBytes / 100 * memoryLimitPercent;
        }

        void validate() {
            InvalidManifestValue.requirePositive("doppler.log_cache.max_per_source", maxPerSource);
            InvalidManifestValue.requirePositive("doppler.log_cache.max_sources", maxSources);
            if (memoryLimitBytes < 0) {
                throw new InvalidManifestValue("doppler.log_cache.memory_limit_bytes", "must be 0 (use the percent) or positive");
            }
            if (memoryLimitPercent < 1 || memoryLimitPercent > 90) {
                throw new InvalidManifestValue("doppler.log_cache.memory_limit_percent", "must be between 1 and 90");
            }
        }
    }

    /** One Doppler node. A port of 0 turns that listener off. */
    public record Instance(
            String host,
            Integer grpcPort,
            Integer wsPort,
            Integer tcpPort,
            Integer tlsPort,
            Integer udpPort,
            Integer healthPort,
            String internalHost) {

        public Instance {
            host = host == null ? "127.0.0.1" : host;
            internalHost = internalHost == null ? host : internalHost;
            grpcPort = grpcPort == null ? 8082 : grpcPort;
            wsPort = wsPort == null ? 8081 : wsPort;
            tcpPort = tcpPort == null ? 3458 : tcpPort;
            tlsPort = tlsPort == null ? 0 : tlsPort;
            udpPort = udpPort == null ? 3457 : udpPort;
            healthPort = healthPort == null ? 14825 : healthPort;
        }

        static Instance defaults() {
            return new Instance(null, null, null, null, null, null, null, null);
        }

        void validate(String key) {
            InvalidManifestValue.requirePort(key + ".grpc_port", grpcPort, true);
            InvalidManifestValue.requirePort(key + ".ws_port", wsPort, false);
            InvalidManifestValue.requirePort(key + ".tcp_port", tcpPort, true);
            InvalidManifestValue.requirePort(key + ".tls_port", tlsPort, true);
            InvalidManifestValue.requirePort(key + ".udp_port", udpPort, true);
            InvalidManifestValue.requirePort(key + ".health_port", healthPort, true);
        }
    }

    /**
     * Doppler discovery by DNS for Traffic Controllers: the name resolves to every Doppler's
     * address (as BOSH DNS does) and is re-resolved periodically. Replaces {@code instances} for discovery.
     */
    public record Dns(String name, Integer wsPort, Integer refreshSeconds) {
        public Dns {
            wsPort = wsPort == null ? 8081 : wsPort;
            refreshSeconds = refreshSeconds == null ? 10 : refreshSeconds;
        }

        void validate() {
            if (name == null || name.isBlank()) {
                throw new InvalidManifestValue("doppler.dns.name", "must name a host");
            }
            InvalidManifestValue.requirePort("doppler.dns.ws_port", wsPort, false);
            InvalidManifestValue.requirePositive("doppler.dns.refresh_seconds", refreshSeconds);
        }
    }
}
