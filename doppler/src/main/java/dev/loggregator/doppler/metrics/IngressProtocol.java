package dev.loggregator.doppler.metrics;

/** How an envelope reached this Doppler. */
public enum IngressProtocol implements MetricLabel {
    GRPC_V2("grpc_v2"),
    GRPC_V1("grpc_v1"),
    TCP("tcp"),
    TLS("tls"),
    UDP("udp");

    private final String label;

    IngressProtocol(String label) {
        this.label = label;
    }

    @Override
    public String label() {
        return label;
    }
}
