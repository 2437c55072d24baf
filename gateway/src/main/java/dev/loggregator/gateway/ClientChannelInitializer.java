package dev.loggregator.gateway;

import dev.loggregator.gateway.http.HttpPipeline;
import dev.loggregator.gateway.limits.RefuseConnectionHandler;
import dev.loggregator.limits.ConnectionLimits;
import dev.loggregator.gateway.proxyprotocol.ProxyProtocolHandler;
import dev.loggregator.gateway.tcp.TcpProxyHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.Mapping;
import java.net.InetAddress;

/**
 * Builds a client connection's pipeline for its listener: limit check, PROXY header, TLS, then HTTP
 * or TCP. The per-address limit counts the peer's address; on a PROXY-protocol listener every peer
 * is the load balancer, so only the total applies there.
 */
final class ClientChannelInitializer extends ChannelInitializer<SocketChannel> {
    private final GatewayContext gw;
    private final ListenerSpec spec;
    private final ConnectionLimits limits;
    private final Mapping<String, SslContext> certificates;

    ClientChannelInitializer(GatewayContext gw, ListenerSpec spec, ConnectionLimits limits, Mapping<String, SslContext> certificates) {
        this.gw = gw;
        this.spec = spec;
        this.limits = limits;
        this.certificates = certificates;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ChannelPipeline pipeline = ch.pipeline();
        InetAddress address = spec.acceptProxyProtocol() || ch.remoteAddress() == null ? null : ch.remoteAddress().getAddress();
        ConnectionLimits.Refusal refusal = limits.acquire(address);
        if (refusal != null) {
            String reason = refusal == ConnectionLimits.Refusal.TOTAL ? "connection_limit" : "address_connection_limit";
            gw.metrics().connectionRejected(reason);
            pipeline.addLast("refuse", new RefuseConnectionHandler(!spec.tls() && !spec.tcp() && !spec.acceptProxyProtocol(), reason));
            return;
        }
        gw.metrics().connectionOpened();
        gw.clients().add(ch);
        ch.closeFuture().addListener(f -> {
            limits.release(address);
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
