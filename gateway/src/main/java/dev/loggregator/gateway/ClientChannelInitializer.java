package dev.loggregator.gateway;

import dev.loggregator.gateway.http.HttpPipeline;
import dev.loggregator.gateway.limits.ConnectionLimiter;
import dev.loggregator.gateway.limits.RefuseConnectionHandler;
import dev.loggregator.gateway.proxyprotocol.ProxyProtocolHandler;
import dev.loggregator.gateway.tcp.TcpProxyHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.Mapping;

/** Builds a client connection's pipeline for its listener: limit check, PROXY header, TLS, then HTTP or TCP. */
final class ClientChannelInitializer extends ChannelInitializer<SocketChannel> {
    private final GatewayContext gw;
    private final ListenerSpec spec;
    private final ConnectionLimiter limiter;
    private final Mapping<String, SslContext> certificates;

    ClientChannelInitializer(GatewayContext gw, ListenerSpec spec, ConnectionLimiter limiter, Mapping<String, SslContext> certificates) {
        this.gw = gw;
        this.spec = spec;
        this.limiter = limiter;
        this.certificates = certificates;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ChannelPipeline pipeline = ch.pipeline();
        if (!limiter.tryAcquire()) {
            gw.metrics().connectionRejected();
            pipeline.addLast("refuse", new RefuseConnectionHandler(!spec.tls() && !spec.tcp() && !spec.acceptProxyProtocol()));
            return;
        }
        gw.metrics().connectionOpened();
        gw.clients().add(ch);
        ch.closeFuture().addListener(f -> {
            limiter.release();
            gw.metrics().connectionClosed();
        });
        if (spec.acceptProxyProtocol()) {
            pipeline.addLast("proxy-protocol-decoder", new HAProxyMessageDecoder());
            pipeline.addLast("proxy-protocol", new ProxyProtocolHandler(gw.settings().timeouts().proxyProtocolHeaderMs()));
        }
        if (spec.tcp()) {
            pipeline.addLast("tcp", new TcpProxyHandler(gw, spec.port(), spec.sendProxyProtocol(), spec.acceptProxyProtocol()));
            return;
        }
        if (spec.tls()) {
            pipeline.addLast("sni", new SniHandler(certificates));
        }
        HttpPipeline.configure(pipeline, gw, spec.tls() ? "https" : "http");
    }
}
