package dev.loggregator.manifest;

/** Deployment-wide settings read by several components ({@code properties:} in the manifest). */
public record SharedProperties(
        String systemDomain,
        LoggerEndpoint loggerEndpoint,
        String sharedSecret,
        TlsFiles tls) {

    public SharedProperties {
        systemDomain = systemDomain == null ? "localhost" : systemDomain;
        loggerEndpoint = loggerEndpoint == null ? new LoggerEndpoint(null, null) : loggerEndpoint;
        sharedSecret = sharedSecret == null ? "" : sharedSecret;
        tls = tls == null ? TlsFiles.none() : tls;
    }

    static SharedProperties defaults() {
        return new SharedProperties(null, null, null, null);
    }

    void validate() {
        InvalidManifestValue.requirePort("properties.logger_endpoint.port", loggerEndpoint.port(), false);
        tls.validate("properties.tls");
    }

    /** Where clients reach the logging endpoint (cf-release's {@code logger_endpoint}). */
    public record LoggerEndpoint(Integer port, Boolean useSsl) {
        public LoggerEndpoint {
            port = port == null ? 4443 : port;
            useSsl = useSsl != null && useSsl;
        }
    }
}
