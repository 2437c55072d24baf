package dev.loggregator.gateway.handover;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.FileDescriptor;
import io.netty.handler.codec.LineBasedFrameDecoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running gateway's side of a seamless reload, as HAProxy's {@code expose-fd listeners}: on a
 * Unix socket it hands copies of its listening sockets (SCM_RIGHTS) to the gateway process that
 * replaces it. Both processes then accept from the same sockets, so no connection is refused and
 * none waiting in a backlog is lost. When the successor says it is listening, this process stops
 * accepting, frees the admin port, removes the socket and starts to drain.
 */
public final class ListenerHandover implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ListenerHandover.class);

    /** What the hand-over needs from the gateway. */
    public interface Incumbent {
        /** The listening sockets to hand over. */
        List<FileDescriptor> listeningSockets();

        /** Stops accepting and frees the admin port (blocking); the successor accepts on the same sockets already. */
        void release();

        /** The successor has everything: drain and exit (not on the calling thread). */
        void handedOver();
    }

    private final Path path;
    private Channel server;

    private ListenerHandover(Path path) {
        this.path = path;
    }

    /** Listens on {@code path} (a stale socket file there is replaced), readable and writable by this user only. */
    public static ListenerHandover bind(Path path, EventLoopGroup loop, Incumbent incumbent) throws IOException, InterruptedException {
        Files.deleteIfExists(path);
        ListenerHandover handover = new ListenerHandover(path);
        ServerBootstrap bootstrap = new ServerBootstrap().group(loop).channel(EpollServerDomainSocketChannel.class)
                .childHandler(new ChannelInitializer<EpollDomainSocketChannel>() {
                    @Override
                    protected void initChannel(EpollDomainSocketChannel ch) {
                        ch.pipeline().addLast(new LineBasedFrameDecoder(128), new Session(handover, incumbent));
                    }
                });
        handover.server = bootstrap.bind(new DomainSocketAddress(path.toFile())).sync().channel();
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        return handover;
    }

    /** Closes the socket; Netty removes its file. */
    ChannelFuture closeSocket() {
        return server.close();
    }

    @Override
    public void close() {
        server.close().awaitUninterruptibly();
    }

    @Override
    public String toString() {
        return path.toString();
    }

    private static final class Session extends SimpleChannelInboundHandler<ByteBuf> {
        private final ListenerHandover handover;
        private final Incumbent incumbent;

        Session(ListenerHandover handover, Incumbent incumbent) {
            this.handover = handover;
            this.incumbent = incumbent;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            if (!HandoverSocket.sameUser((EpollDomainSocketChannel) ctx.channel())) {
                LOG.warn("hand-over socket {}: a process of another user connected; closed", handover);
                ctx.close();
            }
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf line) {
            String command = line.toString(StandardCharsets.US_ASCII).trim();
            if (command.equals(HandoverSocket.LISTENERS)) {
                List<FileDescriptor> sockets = incumbent.listeningSockets();
                LOG.info("reload: handing {} listening sockets to a new gateway process", sockets.size());
                ChannelFuture last = ctx.newSucceededFuture();
                for (FileDescriptor socket : sockets) {
                    last = ctx.write(new FileDescriptor(socket.intValue()));
                }
                ctx.flush();
                last.addListener(ChannelFutureListener.CLOSE);
            } else if (command.startsWith(HandoverSocket.LISTENING)) {
                LOG.info("reload: the new gateway process{} is listening; this one stops accepting and drains",
                        command.substring(HandoverSocket.LISTENING.length()));
                incumbent.release();
                // The socket file must be gone before the successor binds its own at the same path.
                handover.closeSocket().addListener(closed -> {
                    ctx.writeAndFlush(Unpooled.copiedBuffer(HandoverSocket.RELEASED + "\n", StandardCharsets.US_ASCII))
                            .addListener(ChannelFutureListener.CLOSE);
                    incumbent.handedOver();
                });
            } else {
                LOG.warn("hand-over socket {}: unknown command '{}'", handover, command);
                ctx.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.warn("hand-over socket {}: {}", handover, cause.toString());
            ctx.close();
        }
    }
}
