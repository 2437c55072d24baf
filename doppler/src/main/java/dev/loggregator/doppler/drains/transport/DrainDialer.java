package dev.loggregator.doppler.drains.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.util.function.Consumer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * Opens a drain's connection on its event loop: TCP to the checked address, then for TLS
 * schemes a handshake that verifies the receiver's certificate against the URL's host name.
 * Small write buffers: what a slow receiver leaves unsent stays in the drain's bounded queue.
 */
final class DrainDialer {
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(64 * 1024, 256 * 1024);

    private DrainDialer() {
    }

    /** Completes with the channel once it can carry data; {@code handlers} adds what follows TLS. */
    static Future<Channel> dial(EventLoop loop, DrainEndpoint endpoint, int connectTimeoutMs,
                                Consumer<ChannelPipeline> handlers) {
        Promise<Channel> ready = loop.newPromise();
        Bootstrap bootstrap = new Bootstrap()
                .group(loop)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMs)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        if (endpoint.tls() != null) {
                            SslHandler tls = endpoint.tls().newHandler(channel.alloc(), endpoint.url().host(), endpoint.url().port());
                            SSLEngine engine = tls.engine();
                            SSLParameters parameters = engine.getSSLParameters();
                            parameters.setEndpointIdentificationAlgorithm("HTTPS");
                            engine.setSSLParameters(parameters);
                            tls.setHandshakeTimeoutMillis(connectTimeoutMs);
                            channel.pipeline().addLast("tls", tls);
                        }
                        handlers.accept(channel.pipeline());
                    }
                });
        ChannelFuture connect = bootstrap.connect(new InetSocketAddress(endpoint.address(), endpoint.url().port()));
        connect.addListener(done -> {
            if (!done.isSuccess()) {
                ready.tryFailure(done.cause());
                return;
            }
            Channel channel = connect.channel();
            SslHandler tls = channel.pipeline().get(SslHandler.class);
            if (tls == null) {
                ready.trySuccess(channel);
                return;
            }
            tls.handshakeFuture().addListener(handshake -> {
                if (handshake.isSuccess()) {
                    ready.trySuccess(channel);
                } else {
                    ready.tryFailure(handshake.cause());
                    channel.close();
                }
            });
        });
        return ready;
    }

    /** A short, readable reason for the drain's last error. */
    static String describe(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        if (message == null || message.isBlank()) {
            message = root.getClass().getSimpleName();
        }
        if (cause instanceof javax.net.ssl.SSLException || root instanceof java.security.cert.CertificateException
                || root instanceof javax.net.ssl.SSLException) {
            return "TLS handshake failed: " + message;
        }
        return message;
    }
}
