package dev.loggregator.gateway.support;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.ProxyEpollServerSocketChannel;
import io.netty.channel.socket.InternetProtocolFamily;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Run in a network namespace of its own (the test starts it under {@code unshare --net}): binds a
 * {@link ProxyEpollServerSocketChannel} to the wildcard address, which inside that namespace reaches
 * only its own loopback, dials it on 127.0.0.1, and prints the addresses the accepted channel
 * reports. Exit 0 when they are the connection's; 1 with both sides printed when not.
 */
public final class WildcardListenerProbe {
    private WildcardListenerProbe() {
    }

    public static void main(String[] args) throws Exception {
        EventLoopGroup loop = new EpollEventLoopGroup(1);
        try {
            CompletableFuture<SocketChannel> accepted = new CompletableFuture<>();
            Channel listener = new ServerBootstrap().group(loop)
                    .channelFactory(() -> new ProxyEpollServerSocketChannel(InternetProtocolFamily.IPv4))
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            accepted.complete(ch);
                        }
                    }).bind(new InetSocketAddress("0.0.0.0", 0)).syncUninterruptibly().channel();
            int port = ((InetSocketAddress) listener.localAddress()).getPort();
            try (Socket client = new Socket("127.0.0.1", port)) {
                SocketChannel child = accepted.get(10, TimeUnit.SECONDS);
                String want = new InetSocketAddress("127.0.0.1", port) + " " + client.getLocalSocketAddress();
                String got = child.localAddress() + " " + child.remoteAddress();
                System.out.println("want " + want + ", got " + got);
                System.exit(want.equals(got) ? 0 : 1);
            } finally {
                listener.close().syncUninterruptibly();
            }
        } finally {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}
