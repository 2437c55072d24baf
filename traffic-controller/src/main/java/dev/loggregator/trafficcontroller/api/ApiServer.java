package dev.loggregator.trafficcontroller.api;

import dev.loggregator.trafficcontroller.auth.AccessPolicy;
import dev.loggregator.trafficcontroller.connections.ClientLimits;
import dev.loggregator.trafficcontroller.connections.RequestDeadline;
import dev.loggregator.trafficcontroller.dopplers.DopplerConnector;
import dev.loggregator.trafficcontroller.dopplers.DopplerQueries;
import dev.loggregator.trafficcontroller.metrics.TrafficControllerMetrics;
import dev.loggregator.trafficcontroller.proxyprotocol.ProxyProtocolDetector;
import dev.loggregator.trafficcontroller.stream.AppStreamHub;
import dev.loggregator.trafficcontroller.logcache.LogCacheEndpoint;
import dev.loggregator.trafficcontroller.stream.LossLedger;
import dev.loggregator.trafficcontroller.stream.StreamClose;
import dev.loggregator.trafficcontroller.ui.UiEndpoint;
import dev.loggregator.trafficcontroller.v2.ReadEndpoint;
import dev.loggregator.trafficcontroller.v2.V2Settings;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The client-facing Netty listener: connection limits, optional PROXY protocol and TLS, request
 * deadlines, HTTP/1.1, then the router. Requests are read one at a time (reading is off and the
 * router asks for the next request once it has answered one; {@link FlowControlHandler} holds
 * requests that arrived together), so pipelined requests are answered in order (RFC 9112 §9.3.2)
 * although answers are made asynchronously.
 */
public final class ApiServer implements AutoCloseable {
    private static final int MAX_REQUEST_BYTES = 64 * 1024;

    private final EventLoopGroup boss = new NioEventLoopGroup(1);
    private final EventLoopGroup workers = new NioEventLoopGroup();
    private final ChannelGroup clients = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private Channel listener;

    /** Binds {@code host:port}; {@code tls} may be null. */
    public void start(String host, int port, SslContext tls, boolean proxyProtocol, AccessPolicy policy,
                      DopplerConnector connector, AppStreamHub appStreams, DopplerQueries queries,
                      TrafficControllerMetrics metrics, StreamSettings settings, V2Settings v2, LogCacheEndpoint logCache,
                      String systemDomain, UiEndpoint ui, ClientLimits limits)
            throws InterruptedException {
        LossLedger ledger = new LossLedger(settings.maxLossNotices());
        RequestRouter router = new RequestRouter(
                new StreamEndpoint(ledger, limits.streams(), policy, connector, appStreams, metrics, settings),
                new RecentEnvelopesEndpoint(policy, queries, metrics),
                new SetCookieEndpoint(systemDomain),
                new ReadEndpoint(ledger, limits.streams(), policy, connector, metrics, v2),
                logCache,
                new DrainsEndpoint(policy, queries, metrics),
                ui,
                metrics);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.AUTO_READ, false)
                // Frames queue in Netty until 1 MiB before a stream stops draining its own queue.
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (!limits.gate().admit(ch, tls != null)) {
                            ch.config().setAutoRead(true);
                            return;
                        }
                        clients.add(ch);
                        // A PROXY header precedes the TLS handshake on the wire.
                        if (proxyProtocol) {
                            ch.pipeline().addLast("proxy-protocol", new ProxyProtocolDetector());
                        }
                        ch.pipeline().addLast("deadline", new RequestDeadline(limits.requestTimeoutMillis(), limits.idleTimeoutMillis(), metrics));
                        if (tls != null) {
                            ch.pipeline().addLast("tls", tls.newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast("http", new HttpServerCodec(4096, 16 * 1024, 8192));
                        ch.pipeline().addLast("aggregator", new HttpObjectAggregator(MAX_REQUEST_BYTES));
                        ch.pipeline().addLast("flow", new FlowControlHandler());
                        ch.pipeline().addLast("router", router);
                    }
                });
        listener = bootstrap.bind(new InetSocketAddress(host, port)).sync().channel();
    }

    /** New connections are refused (a gateway then tries another Traffic Controller); open ones go on. */
    public void stopAccepting() {
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
    }

    /** Stops accepting and tells every client the server is going away (1001). */
    public void drain() {
        stopAccepting();
        for (Channel client : clients) {
            if (client.pipeline().get("stream") != null) {
                StreamClose.close(client, StreamClose.GOING_AWAY, "Traffic Controller shutting down");
            } else {
                client.close();
            }
        }
    }

    @Override
    public void close() {
        clients.close().awaitUninterruptibly(3, TimeUnit.SECONDS);
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
