package dev.loggregator.gateway.http;

import dev.loggregator.gateway.GatewayContext;
import dev.loggregator.manifest.GatewaySection;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpResponseEncoder;
import java.util.Set;

/** The HTTP stages of a client connection, after any PROXY-protocol and TLS stages. */
public final class HttpPipeline {
    /** Stages kept while a tunnel takes over (besides TLS): the decoder goes last so its buffered bytes reach the relay. */
    static final Set<String> KEEP_IN_TUNNEL_WITH_DECODER = Set.of("decoder");
    static final Set<String> KEEP_IN_TUNNEL = Set.of();

    private HttpPipeline() {
    }

    public static void configure(ChannelPipeline pipeline, GatewayContext gw, String scheme) {
        GatewaySection settings = gw.settings();
        pipeline.addLast("decoder", new GatewayRequestDecoder(settings.limits().maxRequestLineBytes(), settings.limits().maxHeaderBytes()));
        pipeline.addLast("encoder", new HttpResponseEncoder());
        if (settings.gzip().enabled()) {
            pipeline.addLast("gzip", new CompressibleContentCompressor(settings.gzip()));
        }
        pipeline.addLast("proxy", new HttpProxyHandler(gw, scheme));
    }
}
