package dev.loggregator.manifest;

/**
 * The {@code gateway:} section. When enabled, the gateway owns {@code properties.logger_endpoint.port}
 * and routes {@code doppler.<system_domain>} to the Traffic Controllers.
 */
public record GatewaySection(Boolean enabled, String host, Integer adminPort) {

    public GatewaySection {
        enabled = enabled != null && enabled;
        host = host == null ? "127.0.0.1" : host;
        adminPort = adminPort == null ? 14827 : adminPort;
    }

    static GatewaySection defaults() {
        return new GatewaySection(null, null, null);
    }

    void validate() {
        InvalidManifestValue.requirePort("gateway.admin_port", adminPort, true);
    }
}
