package dev.loggregator.gateway;

import dev.loggregator.gateway.handover.ListenerTakeover;
import dev.loggregator.limits.ConnectionLimits;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.unix.FileDescriptor;
import io.netty.handler.ssl.SslContext;
import io.netty.util.Mapping;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's listening sockets: each listener of the manifest either accepts on a socket taken
 * over from the gateway process this one replaces (the same socket, so its backlog carries over)
 * or binds its port. The accept backlog is Netty's default, the kernel's {@code somaxconn}: a
 * reconnect storm of thousands of clients at once must find room in it.
 */
final class ListenerChannels {
    private static final Logger LOG = LoggerFactory.getLogger(ListenerChannels.class);

    private final List<Channel> channels = new ArrayList<>();

    /** Binds or takes over every listener; on failure the ones already open stay in this object, for {@link #close()}. */
    void open(GatewayContext gw, Transport transport, EventLoopGroup workers, List<ListenerSpec> specs, ConnectionLimits limits,
            Mapping<String, SslContext> certificates, ListenerTakeover takeover) throws InterruptedException {
        String host = gw.settings().host();
        for (ListenerSpec spec : specs) {
            InetSocketAddress address = new InetSocketAddress(host, spec.port());
            EpollServerSocketChannel inherited = takeover.claim(address);
            ServerBootstrap bootstrap = new ServerBootstrap()
                    .group(workers, workers)
                    .childHandler(new ClientChannelInitializer(gw, spec, limits, certificates));
            ChannelTuning.applyToChildren(bootstrap, !spec.tcp());
            Channel server;
            if (inherited == null) {
                server = bootstrap.channel(transport.serverChannel()).bind(address).sync().channel();
            } else {
                // Reading starts once the accepting stage is in the pipeline: the socket may hold
                // connections already, and registering an active channel would read at once.
                server = bootstrap.channelFactory(() -> inherited).option(ChannelOption.AUTO_READ, false).register().sync().channel();
                server.eventLoop().submit(() -> server.config().setAutoRead(true)).sync();
            }
            channels.add(server);
            LOG.info("listening on {}:{} ({}{}{})", host, spec.port(), spec.mode(), spec.acceptProxyProtocol() ? ", PROXY protocol in" : "",
                    inherited == null ? "" : ", socket taken over from the previous gateway process");
        }
    }

    /** The sockets a successor takes over (epoll transport only). */
    List<FileDescriptor> sockets() {
        List<FileDescriptor> fds = new ArrayList<>();
        for (Channel channel : channels) {
            if (channel instanceof EpollServerSocketChannel epoll && channel.isOpen()) {
                fds.add(epoll.fd());
            }
        }
        return fds;
    }

    /** Stops accepting here; a successor holding the same sockets goes on accepting on them. */
    void close() {
        for (Channel channel : channels) {
            channel.close().awaitUninterruptibly();
        }
    }
}
