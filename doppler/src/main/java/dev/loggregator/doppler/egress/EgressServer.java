package dev.loggregator.doppler.egress;

import dev.loggregator.doppler.metrics.RefusedConnectionReason;
import dev.loggregator.doppler.metrics.DopplerMetrics;
import dev.loggregator.doppler.net.IdleConnectionCloser;
import dev.loggregator.doppler.routing.Router;
import dev.loggregator.doppler.routing.Subscriptions;
import dev.loggregator.doppler.logcache.LogCacheReads;
import dev.loggregator.doppler.store.AppStore;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The egress port: a Netty HTTP/WebSocket server that Traffic Controllers subscribe to
 * (docs/internal-protocol.md).
 */
public final class EgressServer {
    private static final int MAX_REQUEST_BYTES = 8192;
    /** A PromQL query's {@code /logcache/series} request may name many source ids. */
    private static final int MAX_BODY_BYTES = 1 << 20;

    private final ServerBootstrap bootstrap;
    private final InetSocketAddress address;
    private final EgressContext context;
    private Channel channel;

    /** {@code secret}: the credential every request must present (properties.internal_secret), or empty for none. */
    public EgressServer(InetSocketAddress address, Subscriptions subscriptions, Router router, AppStore store,
                        LogCacheReads logCache, DopplerMetrics metrics, int queueSize, long linkBufferBytes, double fairShareFactor,
                        int linkSilenceSeconds, EventLoopGroup boss, EventLoopGroup workers, int requestIdleSeconds, String secret,
                        Function<String, byte[]> drainReport) {
        this.address = address;
        this.context = new EgressContext(subscriptions, router, store, logCache, metrics, queueSize, linkBufferBytes, fairShareFactor,
                linkSilenceSeconds, drainReport);
        IdleConnectionCloser idleCloser = new IdleConnectionCloser(metrics, RefusedConnectionReason.IDLE, "egress");
        EgressCredentialCheck credentials = secret.isEmpty() ? null : new EgressCredentialCheck(secret, metrics);
        this.bootstrap = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(512 * 1024, 2 * 1024 * 1024))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast("idle", new IdleStateHandler(requestIdleSeconds, 0, 0))
                                .addLast("idle-closer", idleCloser)
                                .addLast("http", new HttpServerCodec(4096, MAX_REQUEST_BYTES, MAX_REQUEST_BYTES))
                                .addLast("aggregator", new HttpObjectAggregator(MAX_BODY_BYTES));
                        if (credentials != null) {
                            ch.pipeline().addLast("credentials", credentials);
                        }
                        ch.pipeline().addLast("request", new EgressRequestHandler(context));
                    }
                });
    }

    public void start() throws InterruptedException {
        channel = bootstrap.bind(address).sync().channel();
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** Stops accepting subscribers; existing links keep running until {@link #closeLinks}. */
    public void stopAccepting() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
    }

    /**
     * Waits up to {@code timeout} for subscribers to take what is queued for them, then closes
     * every link with 1001 (going away) so Traffic Controllers reconnect elsewhere.
     */
    public void closeLinks(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (System.nanoTime() < deadline && context.links().stream().anyMatch(s -> s.channel().isActive() && s.queued() > 0)) {
            TimeUnit.MILLISECONDS.sleep(20);
        }
        List<Subscriber> open = List.copyOf(context.links());
        for (Subscriber subscriber : open) {
            Channel link = subscriber.channel();
            link.eventLoop().execute(() -> {
                subscriber.drain();
                link.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE, "Doppler shutting down"))
                        .addListener(ChannelFutureListener.CLOSE);
            });
        }
        for (Subscriber subscriber : open) {
            subscriber.channel().closeFuture().await(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())) + 1000);
        }
    }
}
