package dev.loggregator.manifest;

/**
 * One deployment, BOSH-style: shared {@code properties} plus one section per component. Every
 * component reads the same file and takes its own section; defaults apply to anything left out.
 */
public record Manifest(
        String name,
        SharedProperties properties,
        DopplerSection doppler,
        TrafficControllerSection trafficController,
        GatewaySection gateway) {

    public Manifest {
        name = name == null ? "loggregator" : name;
        properties = properties == null ? SharedProperties.defaults() : properties;
        doppler = doppler == null ? DopplerSection.defaults() : doppler;
        trafficController = trafficController == null ? TrafficControllerSection.defaults() : trafficController;
        gateway = gateway == null ? GatewaySection.defaults() : gateway;
    }

    void validate() {
        properties.validate();
        doppler.validate();
        trafficController.validate();
        gateway.validate();
    }

    /**
     * The port a Traffic Controller serves clients on: its own {@code port} when set; otherwise
     * {@code properties.logger_endpoint.port}, unless a gateway is deployed, which then owns that
     * port and the Traffic Controller falls back to {@link TrafficControllerSection#DEFAULT_INTERNAL_PORT}.
     */
    public int trafficControllerPort(int index) {
        TrafficControllerSection.Instance instance = trafficController.instance(index);
        if (instance.port() != null) {
            return instance.port();
        }
        return gateway.enabled() ? TrafficControllerSection.DEFAULT_INTERNAL_PORT : properties.loggerEndpoint().port();
    }
}
