package dev.loggregator.gateway;

import dev.loggregator.gateway.routing.Backend;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.ProxyEpollSocketChannel;
import io.netty.channel.socket.InternetProtocolFamily;
import java.net.Inet4Address;
import java.net.InetSocketAddress;

/**
 * Dials backends on the event loop of the client connection that needs them, so both halves of a
 * proxied connection live on one thread and hand bytes to each other without locks or queues. On
 * epoll an IPv4 backend gets an IPv4 socket: Netty's default is a dual-stack IPv6 socket, which
 * costs a setsockopt (IPV6_V6ONLY off) per connection and takes the IPv4-mapped paths in the kernel.
 */
public final class BackendConnector {
    private final Bootstrap template;
    /** Epoll only, else null. */
    private final Bootstrap ipv4Template;

    BackendConnector(Transport transport, int connectTimeoutMs) {
        template = tuned(new Bootstrap().channel(transport.socketChannel()), connectTimeoutMs);
        ipv4Template = transport == Transport.EPOLL
                ? tuned(new Bootstrap().channelFactory(() -> new ProxyEpollSocketChannel(InternetProtocolFamily.IPv4)), connectTimeoutMs)
                : null;
    }

    private static Bootstrap tuned(Bootstrap bootstrap, int connectTimeoutMs) {
        ChannelTuning.apply(bootstrap);
        return bootstrap.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMs);
    }

    public ChannelFuture connect(EventLoop loop, Backend backend, ChannelHandler initializer) {
        InetSocketAddress address = backend.socketAddress();
        Bootstrap chosen = ipv4Template != null && address.getAddress() instanceof Inet4Address ? ipv4Template : template;
        return chosen.clone(loop).handler(initializer).connect(address);
    }
}
