package dev.loggregator.manifest;

/** Deployment-wide settings read by several components ({@code properties:} in the manifest). */
public record SharedProperties(
        String systemDomain,
        LoggerEndpoint loggerEndpoint,
        String sharedSecret,
        TlsFiles tls,
        String internalSecret) {

    public SharedProperties {
        systemDomain = systemDomain == null ? "localhost" : systemDomain;
        loggerEndpoint = loggerEndpoint == null ? new LoggerEndpoint(null, null) : loggerEndpoint;
        sharedSecret = sharedSecret == null ? "" : sharedSecret;
        tls = tls == null ? TlsFiles.none() : tls;
        internalSecret = internalSecret == null ? "" : internalSecret;
    }

    /** Shortest {@code internal_secret}: 32 bytes, as for an HMAC-SHA256 key (RFC 7518 §3.2). */
    public static final int MIN_INTERNAL_SECRET_BYTES = 32;

    static SharedProperties defaults() {
        return new SharedProperties(null, null, null, null, null);
    }

    void validate() {
        InvalidManifestValue.requirePort("properties.logger_endpoint.port", loggerEndpoint.port(), false);
        tls.validate("properties.tls");
        if (!internalSecret.isEmpty() && internalSecret.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < MIN_INTERNAL_SECRET_BYTES) {
            throw new InvalidManifestValue("properties.internal_secret", "must be at least " + MIN_INTERNAL_SECRET_BYTES + " bytes");
        }
        if (!internalSecret.chars().allMatch(c -> c > 32 && c < 127)) {
            throw new InvalidManifestValue("properties.internal_secret", "must be printable ASCII without spaces (it travels in a header)");
        }
    }

    /** Where clients reach the logging endpoint (cf-release's {@code logger_endpoint}). */
    public record LoggerEndpoint(Integer port, Boolean useSsl) {
        public LoggerEndpoint {
            port = port == null ? 4443 : port;
            useSsl = useSsl != null && useSsl;
        }
    }
}
