package dev.loggregator.gateway;

import dev.loggregator.gateway.routing.Backend;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.ProxyEpollSocketChannel;
import io.netty.channel.socket.InternetProtocolFamily;
import java.net.Inet4Address;

/**
 * Dials backends on the event loop of the client connection that needs them, so both halves of a
 * proxied connection live on one thread and hand bytes to each other without locks or queues. On
 * epoll an IPv4 backend gets an IPv4 socket: Netty's default is a dual-stack IPv6 socket, which
 * costs a setsockopt (IPV6_V6ONLY off) per connection and takes the IPv4-mapped paths in the kernel.
 */
public final class BackendConnector {
    /** A bootstrap needs a handler; this one only removes itself. */
    private static final ChannelHandler NO_STAGES = new ChannelInitializer<>() {
        @Override
        protected void initChannel(Channel ch) {
        }
    };

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
        return bootstrap(loop, backend).handler(initializer).connect(backend.socketAddress());
    }

    /**
     * A connection that reads nothing until told to (TCP mode: its tunnel starts it), with no
     * stages of its own. Off from the start, not switched off once registered: a socket that reads
     * at once is registered for input with its first epoll_ctl, and would need a second to stop.
     */
    public ChannelFuture connectNotReading(EventLoop loop, Backend backend) {
        return bootstrap(loop, backend).option(ChannelOption.AUTO_READ, false).handler(NO_STAGES).connect(backend.socketAddress());
    }

    private Bootstrap bootstrap(EventLoop loop, Backend backend) {
        boolean ipv4 = backend.socketAddress().getAddress() instanceof Inet4Address;
        return (ipv4Template != null && ipv4 ? ipv4Template : template).clone(loop);
    }
}
