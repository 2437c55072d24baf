package dev.loggregator.trafficcontroller.dopplers;

/** Where one Doppler's internal WebSocket egress listens. */
public record DopplerAddress(String host, int port) {

    /** {@code scheme://host:port} with IPv6 literals bracketed. */
    public String base(String scheme) {
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return scheme + "://" + h + ":" + port;
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
