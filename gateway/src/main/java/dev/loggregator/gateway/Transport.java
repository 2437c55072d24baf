package dev.loggregator.gateway;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The socket transport of every gateway connection: Linux epoll (Netty's native transport: fewer
 * system calls and less bookkeeping per event than the JDK selector) where its library loads, else
 * Java NIO; io_uring (Netty 4.2's native transport: submissions and completions through rings
 * shared with the kernel) on request. Tunnels are not relayed with splice(): through its 64 KiB
 * pipe it took four system calls where a read and a write move 256 KiB, and streamed slower on
 * loopback (see README).
 */
record Transport(String name, Class<? extends ServerChannel> serverChannel, Class<? extends SocketChannel> socketChannel,
        Supplier<IoHandlerFactory> handlers) {
    private static final Logger LOG = LoggerFactory.getLogger(Transport.class);

    static final Transport EPOLL = new Transport("epoll", EpollServerSocketChannel.class, EpollSocketChannel.class, EpollIoHandler::newFactory);
    static final Transport IO_URING = new Transport("io_uring", IoUringServerSocketChannel.class, IoUringSocketChannel.class,
            IoUringIoHandler::newFactory);
    static final Transport NIO = new Transport("nio", NioServerSocketChannel.class, NioSocketChannel.class, NioIoHandler::newFactory);

    /**
     * {@code choice} is the manifest's {@code gateway.transport}: auto, epoll (required), io_uring
     * (where the kernel allows it, else what auto chooses, with the reason logged) or nio.
     */
    static Transport select(String choice) {
        return switch (choice) {
            case "nio" -> NIO;
            case "epoll" -> {
                Epoll.ensureAvailability();
                yield EPOLL;
            }
            case "io_uring" -> {
                if (IoUring.isAvailable()) {
                    yield IO_URING;
                }
                Transport fallback = auto();
                LOG.warn("io_uring transport unavailable, using {}: {}", fallback.name(), IoUring.unavailabilityCause().toString());
                yield fallback;
            }
            default -> auto();
        };
    }

    private static Transport auto() {
        return Epoll.isAvailable() ? EPOLL : NIO;
    }

    EventLoopGroup newGroup(int threads) {
        return new MultiThreadIoEventLoopGroup(threads, handlers.get());
    }
}
