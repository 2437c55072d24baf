package dev.loggregator.doppler.ingress.tcp;

import dev.loggregator.doppler.ingress.EnvelopeIntake;
import dev.loggregator.doppler.metrics.RefusedConnectionReason;
import dev.loggregator.doppler.metrics.DopplerMetrics;
import dev.loggregator.doppler.metrics.IngressProtocol;
import dev.loggregator.doppler.net.IdleConnectionCloser;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import dev.loggregator.wire.framing.LengthPrefix;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;

/**
 * The dropsonde v1 stream listeners: TCP, and the same inside TLS. Each frame is a 4-byte
 * little-endian length and one marshalled envelope.
 */
public final class StreamIngressServer {
    private final ServerBootstrap bootstrap;
    private final InetSocketAddress address;
    private Channel channel;

    public StreamIngressServer(InetSocketAddress address, IngressProtocol protocol, SslContext tls, EnvelopeIntake intake,
                               DopplerMetrics metrics, EventLoopGroup boss, EventLoopGroup workers, int idleSeconds) {
        this.address = address;
        LengthPrefixedEnvelopeHandler envelopes = new LengthPrefixedEnvelopeHandler(intake, metrics, protocol);
        IdleConnectionCloser idleCloser = new IdleConnectionCloser(metrics, RefusedConnectionReason.IDLE, protocol.label());
        int maxEnvelope = intake.maxEnvelopeBytes();
        this.bootstrap = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        // Idleness is judged on raw bytes, ahead of TLS, so a slow handshake is not "nothing received".
                        ch.pipeline()
                                .addLast("idle", new IdleStateHandler(idleSeconds, 0, 0))
                                .addLast("idle-closer", idleCloser);
                        if (tls != null) {
                            SslHandler handler = tls.newHandler(ch.alloc());
                            handler.setHandshakeTimeout(Math.max(10, idleSeconds), TimeUnit.SECONDS);
                            ch.pipeline().addLast("tls", handler);
                        }
                        ch.pipeline()
                                .addLast("frames", new LengthFieldBasedFrameDecoder(
                                        ByteOrder.LITTLE_ENDIAN, maxEnvelope + LengthPrefix.PREFIX_BYTES, 0, 4, 0, 4, true))
                                .addLast("envelopes", envelopes);
                    }
                });
    }

    public void start() throws InterruptedException {
        channel = bootstrap.bind(address).sync().channel();
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    public void stop() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
    }
}
