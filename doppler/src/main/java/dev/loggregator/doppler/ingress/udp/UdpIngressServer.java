package dev.loggregator.doppler.ingress.udp;

import dev.loggregator.doppler.ingress.EnvelopeIntake;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** The dropsonde v1 UDP listener for signed datagrams (Metron's original transport). */
public final class UdpIngressServer {
    private static final int MAX_DATAGRAM = 65_535;
    private static final int SOCKET_RECEIVE_BUFFER = 8 << 20;

    private final Bootstrap bootstrap;
    private final InetSocketAddress address;
    private Channel channel;

    public UdpIngressServer(InetSocketAddress address, String sharedSecret, EnvelopeIntake intake, EventLoopGroup group) {
        this.address = address;
        this.bootstrap = new Bootstrap()
                .group(group)
                .channel(NioDatagramChannel.class)
                .option(ChannelOption.SO_RCVBUF, SOCKET_RECEIVE_BUFFER)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM))
                .handler(new SignedDatagramHandler(intake, sharedSecret.getBytes(StandardCharsets.UTF_8)));
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
