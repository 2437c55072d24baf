package dev.loggregator.gateway;

import dev.loggregator.manifest.GatewaySection;
import dev.loggregator.manifest.Manifest;
import java.util.ArrayList;
import java.util.List;

/** One port the gateway serves: {@code http}, {@code https} or {@code tcp}, with its PROXY protocol options. */
public record ListenerSpec(int port, String mode, boolean acceptProxyProtocol, String sendProxyProtocol) {

    public boolean tls() {
        return "https".equals(mode);
    }

    public boolean tcp() {
        return "tcp".equals(mode);
    }

    /** {@code properties.logger_endpoint.port} first (https when {@code use_ssl}), then {@code gateway.listeners}. */
    public static List<ListenerSpec> of(Manifest manifest) {
        GatewaySection gateway = manifest.gateway();
        List<ListenerSpec> specs = new ArrayList<>();
        specs.add(new ListenerSpec(manifest.properties().loggerEndpoint().port(),
                manifest.properties().loggerEndpoint().useSsl() ? "https" : "http", gateway.acceptProxyProtocol(), "none"));
        for (GatewaySection.Listener listener : gateway.listeners()) {
            specs.add(new ListenerSpec(listener.port(), listener.mode(), listener.acceptProxyProtocol(), listener.sendProxyProtocol()));
        }
        return specs;
    }
}
