package dev.loggregator.gateway;

import io.netty.bootstrap.AbstractBootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.AbstractEpollServerChannel;
import io.netty.channel.unix.Socket;
import java.io.IOException;

/**
 * Socket options for both halves of a proxied connection. Reads grow up to 256 KiB so a busy
 * stream is relayed in few large system calls (nginx's 4-8 KiB relay buffer is what made it the
 * slowest in our measurements); the write high-water mark bounds what one connection may queue
 * before its peer stops being read (backpressure) to 1 MiB. TCP_NODELAY is not set here: Netty
 * sets it on every new socket of either transport already (one system call per socket less).
 */
final class ChannelTuning {
    private static final AdaptiveRecvByteBufAllocator READS = new AdaptiveRecvByteBufAllocator(1024, 16 * 1024, 256 * 1024);
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(256 * 1024, 1024 * 1024);

    private ChannelTuning() {
    }

    static void apply(AbstractBootstrap<?, ?> bootstrap) {
        bootstrap.option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.RCVBUF_ALLOCATOR, READS)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK);
    }

    /**
     * {@code keepAliveInherited}: the listening socket has SO_KEEPALIVE set already (epoll, see
     * {@link #keepAliveOnListener}), and Linux copies it to every connection accepted from it, so a
     * system call per connection is saved.
     */
    static void applyToChildren(ServerBootstrap bootstrap, boolean autoRead, boolean keepAliveInherited) {
        if (!keepAliveInherited) {
            bootstrap.childOption(ChannelOption.SO_KEEPALIVE, true);
        }
        bootstrap.childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.AUTO_READ, autoRead)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, READS)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK);
    }

    /** SO_KEEPALIVE on an epoll listening socket, for the connections it accepts to inherit. */
    static void keepAliveOnListener(Channel listener) throws IOException {
        if (listener instanceof AbstractEpollServerChannel epoll && epoll.fd() instanceof Socket socket) {
            socket.setKeepAlive(true);
        }
    }
}
