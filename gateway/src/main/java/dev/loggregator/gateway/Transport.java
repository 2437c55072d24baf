package dev.loggregator.gateway;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.ProxyEpollServerSocketChannel;
import io.netty.channel.epoll.ProxyEpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * The socket transport of every gateway connection: Linux epoll (Netty's native transport: fewer
 * system calls and less bookkeeping per event than the JDK selector) where its library loads, else
 * Java NIO. Tunnels are not relayed with splice(): through its 64 KiB pipe it took four system
 * calls where a read and a write move 256 KiB, and streamed slower on loopback (see README). On
 * epoll the sockets are the gateway's own channels ({@code io.netty.channel.epoll.ProxyEpoll*}):
 * Netty's, without the system calls per connection HAProxy does not make.
 */
record Transport(String name, Class<? extends ServerChannel> serverChannel, Class<? extends SocketChannel> socketChannel) {
    static final Transport EPOLL = new Transport("epoll", ProxyEpollServerSocketChannel.class, ProxyEpollSocketChannel.class);
    static final Transport NIO = new Transport("nio", NioServerSocketChannel.class, NioSocketChannel.class);

    /** {@code choice} is the manifest's {@code gateway.transport}: auto, epoll (required) or nio. */
    static Transport select(String choice) {
        return switch (choice) {
            case "nio" -> NIO;
            case "epoll" -> {
                Epoll.ensureAvailability();
                yield EPOLL;
            }
            default -> Epoll.isAvailable() ? EPOLL : NIO;
        };
    }

    EventLoopGroup newGroup(int threads) {
        return this == EPOLL ? new EpollEventLoopGroup(threads) : new NioEventLoopGroup(threads);
    }
}
