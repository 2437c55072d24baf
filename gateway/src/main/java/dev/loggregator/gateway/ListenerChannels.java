package dev.loggregator.gateway;

import dev.loggregator.gateway.handover.ListenerTakeover;
import dev.loggregator.limits.ConnectionLimits;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.AbstractEpollServerChannel;
import io.netty.channel.epoll.ProxyEpollServerSocketChannel;
import io.netty.channel.socket.InternetProtocolFamily;
import io.netty.channel.unix.FileDescriptor;
import io.netty.handler.ssl.SslContext;
import io.netty.util.Mapping;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's listening sockets: each listener of the manifest either accepts on sockets taken
 * over from the gateway process this one replaces (the same sockets, so their backlogs carry over)
 * or binds its port. On epoll every event loop accepts on its own socket of the port
 * (SO_REUSEPORT; the kernel spreads connections over them), so a connection is served on the
 * thread that accepted it: with one shared socket, Netty hands most accepted connections to
 * another loop, a task and a thread wake-up each. The accept backlog is Netty's default, the
 * kernel's {@code somaxconn}: a reconnect storm of thousands of clients at once must find room in it.
 */
final class ListenerChannels {
    private static final Logger LOG = LoggerFactory.getLogger(ListenerChannels.class);

    private final List<Channel> channels = new ArrayList<>();

    /** Binds or takes over every listener; on failure the ones already open stay in this object, for {@link #close()}. */
    void open(GatewayContext gw, Transport transport, EventLoopGroup workers, List<ListenerSpec> specs, ConnectionLimits limits,
            Mapping<String, SslContext> certificates, ListenerTakeover takeover) throws InterruptedException {
        String host = gw.settings().host();
        List<EventLoop> loops = new ArrayList<>();
        for (EventExecutor loop : workers) {
            loops.add((EventLoop) loop);
        }
        for (ListenerSpec spec : specs) {
            InetSocketAddress address = new InetSocketAddress(host, spec.port());
            List<ProxyEpollServerSocketChannel> inherited = takeover.claim(address);
            if (transport != Transport.EPOLL) {
                channels.add(bootstrap(gw, spec, limits, certificates, workers, false).channel(transport.serverChannel())
                        .bind(address).sync().channel());
            } else {
                // Every socket taken over keeps accepting (its backlog holds connections already),
                // also when this process has fewer loops than the one before it.
                int sockets = Math.max(loops.size(), inherited.size());
                InetSocketAddress bindTo = address;
                for (int i = 0; i < sockets; i++) {
                    ServerBootstrap bootstrap = bootstrap(gw, spec, limits, certificates, loops.get(i % loops.size()), true);
                    if (i < inherited.size()) {
                        channels.add(register(bootstrap, inherited.get(i)));
                        continue;
                    }
                    boolean ipv4 = bindTo.getAddress() instanceof Inet4Address;
                    ChannelFuture bound = bootstrap.channelFactory(() -> keepAliveListener(ipv4))
                            .option(EpollChannelOption.SO_REUSEPORT, true).bind(bindTo).await();
                    if (bound.isSuccess()) {
                        channels.add(bound.channel());
                        bindTo = (InetSocketAddress) bound.channel().localAddress(); // port 0: the others join the port chosen
                    } else if (inherited.isEmpty()) {
                        bound.sync(); // throws the cause: the port is taken
                    } else {
                        // Sockets of an older build, without SO_REUSEPORT: only the loops holding those accept.
                        LOG.warn("listening on {}: {} socket(s) taken over, no more bound ({})", address, inherited.size(), bound.cause().toString());
                        break;
                    }
                }
            }
            LOG.info("listening on {}:{} ({}{}{})", host, spec.port(), spec.mode(), spec.acceptProxyProtocol() ? ", PROXY protocol in" : "",
                    inherited.isEmpty() ? "" : ", " + inherited.size() + " socket(s) taken over from the previous gateway process");
        }
    }

    private static ServerBootstrap bootstrap(GatewayContext gw, ListenerSpec spec, ConnectionLimits limits,
            Mapping<String, SslContext> certificates, EventLoopGroup loops, boolean keepAliveInherited) {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(loops, loops)
                .childHandler(new ClientChannelInitializer(gw, spec, limits, certificates));
        ChannelTuning.applyToChildren(bootstrap, !spec.tcp(), keepAliveInherited);
        return bootstrap;
    }

    /**
     * A listening socket whose accepted connections inherit SO_KEEPALIVE, set before it listens;
     * IPv4 for an IPv4 address (Netty's default is dual-stack IPv6: accepted connections would take
     * the kernel's IPv4-mapped paths).
     */
    private static ProxyEpollServerSocketChannel keepAliveListener(boolean ipv4) {
        ProxyEpollServerSocketChannel channel = new ProxyEpollServerSocketChannel(ipv4 ? InternetProtocolFamily.IPv4 : null);
        keepAlive(channel);
        return channel;
    }

    private static void keepAlive(ProxyEpollServerSocketChannel listener) {
        try {
            ChannelTuning.keepAliveOnListener(listener);
        } catch (IOException e) {
            listener.close();
            throw new UncheckedIOException("SO_KEEPALIVE on a listening socket", e);
        }
    }

    /** Accepts on a socket taken over. */
    private static Channel register(ServerBootstrap bootstrap, ProxyEpollServerSocketChannel inherited) throws InterruptedException {
        // Reading starts once the accepting stage is in the pipeline: the socket may hold
        // connections already, and registering an active channel would read at once. Connections
        // waiting in its backlog were accepted by the kernel with the flags the socket had then
        // (a predecessor of this build set SO_KEEPALIVE on it too).
        keepAlive(inherited);
        Channel server = bootstrap.channelFactory(() -> inherited).option(ChannelOption.AUTO_READ, false).register().sync().channel();
        server.eventLoop().submit(() -> server.config().setAutoRead(true)).sync();
        return server;
    }

    /** The sockets a successor takes over (epoll transport only). */
    List<FileDescriptor> sockets() {
        List<FileDescriptor> fds = new ArrayList<>();
        for (Channel channel : channels) {
            if (channel instanceof AbstractEpollServerChannel epoll && channel.isOpen()) {
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
