package dev.loggregator.health;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.prometheus.metrics.exporter.common.PrometheusScrapeHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Every component's health port: {@code GET /health} answers 200 {@code {"status":"UP"}} once the
 * component serves, 503 with {@code STARTING} or {@code DRAINING} otherwise (what the launcher and
 * load balancers poll), and {@code GET /metrics} is the Prometheus exposition of the component's
 * registry. One daemon event loop: scrapes and probes are rare and must not compete with the data path.
 */
public final class HealthServer implements AutoCloseable {
    /** Probes send one small request; a connection that sends nothing for this long is closed. */
    private static final int READ_TIMEOUT_SECONDS = 30;
    private static final int MAX_REQUEST_BYTES = 8192;

    private final EventLoopGroup loop = new NioEventLoopGroup(1, new DefaultThreadFactory("health-http", true));
    private final Channel channel;

    /** Binds {@code host:port} (port 0 picks a free one) and starts serving. */
    public HealthServer(String host, int port, PrometheusRegistry registry, Supplier<HealthStatus> status) throws IOException {
        PrometheusScrapeHandler scrapes = new PrometheusScrapeHandler(registry);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(loop)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast("read-timeout", new ReadTimeoutHandler(READ_TIMEOUT_SECONDS))
                                .addLast("http", new HttpServerCodec(4096, MAX_REQUEST_BYTES, MAX_REQUEST_BYTES))
                                .addLast("aggregator", new HttpObjectAggregator(MAX_REQUEST_BYTES))
                                .addLast("requests", new HealthRequests(scrapes, status));
                    }
                });
        ChannelFuture bound = bootstrap.bind(new InetSocketAddress(host, port)).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            loop.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw new IOException("cannot listen on " + host + ":" + port + ": " + bound.cause().getMessage(), bound.cause());
        }
        channel = bound.channel();
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
