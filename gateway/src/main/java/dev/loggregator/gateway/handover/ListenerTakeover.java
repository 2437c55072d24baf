package dev.loggregator.gateway.handover;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.ProxyEpollServerSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.DomainSocketReadMode;
import io.netty.channel.unix.FileDescriptor;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The new gateway process's side of a seamless reload: before binding anything it asks the
 * gateway already running ({@link ListenerHandover}) for its listening sockets and accepts on
 * those it still needs; once it accepts on all of its own, it tells the old process to stop.
 * Without a running gateway (no socket, or a stale one), nothing is taken over and the new
 * process binds its ports as on a first start.
 */
public final class ListenerTakeover {
    private static final Logger LOG = LoggerFactory.getLogger(ListenerTakeover.class);
    private static final long TIMEOUT_SECONDS = 10;

    private final Path path;
    private final EventLoopGroup loop;
    /** Received sockets not yet claimed, by the address they listen on (one per event loop of the old process). */
    private final Map<InetSocketAddress, List<ProxyEpollServerSocketChannel>> sockets;

    private ListenerTakeover(Path path, EventLoopGroup loop, Map<InetSocketAddress, List<ProxyEpollServerSocketChannel>> sockets) {
        this.path = path;
        this.loop = loop;
        this.sockets = sockets;
    }

    /** Nothing to take over (hand-over off, or the NIO transport, which cannot use received sockets). */
    public static ListenerTakeover none() {
        return new ListenerTakeover(null, null, new LinkedHashMap<>());
    }

    /** Fetches the listening sockets of the gateway serving {@code path}, if one does. */
    public static ListenerTakeover attempt(Path path, EventLoopGroup loop) throws InterruptedException {
        if (!Files.exists(path)) {
            return none();
        }
        List<FileDescriptor> received = new ArrayList<>();
        CompletableFuture<List<FileDescriptor>> done = new CompletableFuture<>();
        Bootstrap bootstrap = new Bootstrap().group(loop).channel(EpollDomainSocketChannel.class)
                .option(EpollChannelOption.DOMAIN_SOCKET_READ_MODE, DomainSocketReadMode.FILE_DESCRIPTORS)
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        received.add((FileDescriptor) msg);
                    }

                    @Override
                    public void channelInactive(ChannelHandlerContext ctx) {
                        done.complete(received);
                    }
                });
        Channel channel = bootstrap.connect(new DomainSocketAddress(path.toFile())).await().channel();
        if (!channel.isActive()) {
            LOG.info("reload: no gateway answers on {} (a stale socket); binding the ports", path);
            return none();
        }
        if (!HandoverSocket.sameUser((EpollDomainSocketChannel) channel)) {
            channel.close();
            LOG.warn("reload: {} belongs to a process of another user; not taking over from it", path);
            return none();
        }
        channel.writeAndFlush(line(HandoverSocket.LISTENERS));
        List<FileDescriptor> fds;
        try {
            fds = done.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            channel.close();
            received.forEach(ListenerTakeover::closeQuietly);
            LOG.warn("reload: the gateway on {} sent no listening sockets within {} s; binding the ports", path, TIMEOUT_SECONDS);
            return none();
        }
        Map<InetSocketAddress, List<ProxyEpollServerSocketChannel>> sockets = new LinkedHashMap<>();
        for (FileDescriptor fd : fds) {
            ProxyEpollServerSocketChannel socket = new ProxyEpollServerSocketChannel(fd.intValue());
            sockets.computeIfAbsent(socket.localAddress(), address -> new ArrayList<>()).add(socket);
        }
        LOG.info("reload: took over listening sockets {} from the gateway on {}", sockets.keySet(), path);
        return new ListenerTakeover(path, loop, sockets);
    }

    /** Whether a running gateway handed its sockets over (it then waits for {@link #announceListening()}). */
    public boolean tookOver() {
        return path != null;
    }

    /** The received sockets listening on {@code address}, not yet registered with any event loop; empty if none. */
    public List<ProxyEpollServerSocketChannel> claim(InetSocketAddress address) {
        List<ProxyEpollServerSocketChannel> claimed = sockets.remove(address);
        return claimed == null ? List.of() : claimed;
    }

    /** Closes the received sockets no listener claimed (ports the new manifest no longer has). */
    public void closeUnclaimed() {
        for (Map.Entry<InetSocketAddress, List<ProxyEpollServerSocketChannel>> unclaimed : sockets.entrySet()) {
            LOG.info("reload: {} is no longer a listener; its socket closes with the old gateway", unclaimed.getKey());
            unclaimed.getValue().forEach(socket -> closeQuietly(socket.fd()));
        }
        sockets.clear();
    }

    /**
     * Tells the old gateway that this process accepts on every listener: it stops accepting,
     * frees the admin port and removes its hand-over socket before it answers.
     */
    public void announceListening() throws InterruptedException {
        CompletableFuture<String> answer = new CompletableFuture<>();
        Bootstrap bootstrap = new Bootstrap().group(loop).channel(EpollDomainSocketChannel.class)
                .handler(new ChannelInitializer<EpollDomainSocketChannel>() {
                    @Override
                    protected void initChannel(EpollDomainSocketChannel ch) {
                        ch.pipeline().addLast(new LineBasedFrameDecoder(128), new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                answer.complete(((ByteBuf) msg).toString(StandardCharsets.US_ASCII).trim());
                                ReferenceCountUtil.release(msg);
                            }

                            @Override
                            public void channelInactive(ChannelHandlerContext ctx) {
                                answer.complete("closed without an answer");
                            }
                        });
                    }
                });
        Channel channel = bootstrap.connect(new DomainSocketAddress(path.toFile())).await().channel();
        if (!channel.isActive()) {
            LOG.warn("reload: the old gateway on {} is gone before it was told to stop accepting", path);
            return;
        }
        channel.writeAndFlush(line(HandoverSocket.LISTENING + " pid " + ProcessHandle.current().pid()));
        try {
            String reply = answer.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (reply.equals(HandoverSocket.RELEASED)) {
                LOG.info("reload: the old gateway stopped accepting; it drains its connections");
            } else {
                LOG.warn("reload: the old gateway answered '{}' to {}", reply, HandoverSocket.LISTENING);
            }
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("reload: the old gateway did not confirm within {} s that it stopped accepting", TIMEOUT_SECONDS);
        } finally {
            channel.close();
        }
    }

    private static ByteBuf line(String text) {
        return Unpooled.copiedBuffer(text + "\n", StandardCharsets.US_ASCII);
    }

    private static void closeQuietly(FileDescriptor fd) {
        try {
            fd.close();
        } catch (IOException e) {
            LOG.debug("closing a received socket: {}", e.toString());
        }
    }
}
