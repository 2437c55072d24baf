package dev.loggregator.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.loggregator.gateway.support.BlackHoleBackend;
import dev.loggregator.gateway.support.WildcardListenerProbe;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.ProxyEpollServerSocketChannel;
import io.netty.channel.epoll.ProxyEpollSocketChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.channel.socket.InternetProtocolFamily;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The gateway's own epoll channels ({@link ProxyEpollSocketChannel}, {@link
 * ProxyEpollServerSocketChannel}) behave as Netty's where they skip its system calls: addresses
 * known without asking the kernel, a dial that is up inside {@code connect(2)} or only later, a
 * refused dial, and the events of a peer's FIN on a half-closable connection.
 */
class ProxyEpollChannelsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    static EventLoopGroup loop;

    @BeforeAll
    static void start() {
        assumeTrue(Epoll.isAvailable(), "the epoll transport is not available here: " + Epoll.unavailabilityCause());
        loop = new EpollEventLoopGroup(1);
    }

    @AfterAll
    static void stop() {
        if (loop != null) {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** A listener that hands every accepted channel to {@code accepted}. */
    private static Channel listen(String host, CompletableFuture<SocketChannel> accepted, ChannelInboundHandlerAdapter handler) {
        InetSocketAddress address = new InetSocketAddress(host, 0);
        return new ServerBootstrap().group(loop).channelFactory(() -> new ProxyEpollServerSocketChannel(
                        address.getAddress() instanceof java.net.Inet4Address ? InternetProtocolFamily.IPv4 : null))
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (handler != null) {
                            ch.pipeline().addLast(handler);
                        }
                        accepted.complete(ch);
                    }
                }).bind(address).syncUninterruptibly().channel();
    }

    private static ChannelFuture dial(InetSocketAddress to) {
        InternetProtocolFamily family = to.getAddress() instanceof java.net.Inet4Address ? InternetProtocolFamily.IPv4 : InternetProtocolFamily.IPv6;
        return new Bootstrap().group(loop).channelFactory(() -> new ProxyEpollSocketChannel(family))
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .handler(new ChannelInboundHandlerAdapter()).connect(to);
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::1"})
    void bothEndsKnowTheirAddressesWithoutAskingTheKernelOnAListenerOfOneAddress(String host) throws Exception {
        CompletableFuture<SocketChannel> accepted = new CompletableFuture<>();
        Channel listener = listen(host, accepted, null);
        try {
            InetSocketAddress listening = (InetSocketAddress) listener.localAddress();
            Channel dialled = dial(listening).syncUninterruptibly().channel();
            SocketChannel child = accepted.get(10, TimeUnit.SECONDS);
            assertInstanceOf(ProxyEpollSocketChannel.class, child);
            assertEquals(listening, child.localAddress());
            assertEquals(listening, dialled.remoteAddress());
            assertEquals(dialled.localAddress(), child.remoteAddress());
            assertEquals(InetAddress.getByName(host), ((InetSocketAddress) dialled.localAddress()).getAddress());
            assertTrue(dialled.isActive());
            assertEquals(listener, child.parent());
            dialled.close().syncUninterruptibly();
        } finally {
            listener.close().syncUninterruptibly();
        }
    }

    /**
     * The wildcard listener runs in a child JVM inside a network namespace of its own ({@code unshare
     * --net}, removed with the process), so the wildcard address reaches nothing but that namespace's
     * loopback.
     */
    @Test
    void onAWildcardListenerAnAcceptedConnectionReadsItsOwnAddressWhenAsked() throws Exception {
        assumeTrue(canRun("unshare", "--net", "true"), "unshare --net is not available here (needs root and util-linux)");
        assumeTrue(canRun("ip", "-V"), "ip (iproute2) is not installed: the namespace's loopback cannot be brought up");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process probe = new ProcessBuilder("unshare", "--net", "sh", "-c", "ip link set lo up && exec \"$0\" -cp \"$1\" \"$2\"",
                java, System.getProperty("java.class.path"), WildcardListenerProbe.class.getName())
                .redirectErrorStream(true).start();
        assertTrue(probe.waitFor(60, TimeUnit.SECONDS), "the probe did not finish within 60 s");
        String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, probe.exitValue(), output);
    }

    private static boolean canRun(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Test
    void aRefusedDialFailsAndClosesItsChannel() throws Exception {
        int closedPort;
        try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = gone.getLocalPort();
        }
        ChannelFuture dialled = dial(new InetSocketAddress("127.0.0.1", closedPort)).awaitUninterruptibly();
        assertFalse(dialled.isSuccess());
        assertInstanceOf(ConnectException.class, dialled.cause());
        await().atMost(WAIT).until(() -> !dialled.channel().isOpen());
    }

    @Test
    void aDialStillInProgressAfterConnectCompletesWhenTheSynIsAnswered() {
        try (BlackHoleBackend backend = new BlackHoleBackend()) {
            ChannelFuture dialled = dial(new InetSocketAddress("127.0.0.1", backend.port()));
            assertFalse(dialled.awaitUninterruptibly(300), "the accept queue is full: the SYN goes unanswered");
            backend.acceptOne(); // room again: the next retransmitted SYN is answered
            assertTrue(dialled.awaitUninterruptibly(WAIT.toMillis()), "connected once the backend had room");
            assertTrue(dialled.isSuccess(), () -> String.valueOf(dialled.cause()));
            assertEquals(new InetSocketAddress("127.0.0.1", backend.port()), dialled.channel().remoteAddress());
            dialled.channel().close().syncUninterruptibly();
        }
    }

    @Test
    void aPeersFinEndsTheInputWithNettysEventsAndTheOtherDirectionStillCarries() throws Exception {
        List<Object> seen = new CopyOnWriteArrayList<>();
        ChannelInboundHandlerAdapter recorder = new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                seen.add(((ByteBuf) msg).toString(StandardCharsets.US_ASCII));
                ReferenceCountUtil.release(msg);
            }

            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                seen.add(evt);
                if (evt instanceof ChannelInputShutdownEvent) {
                    seen.add("input shut: " + ((SocketChannel) ctx.channel()).isInputShutdown());
                    ctx.writeAndFlush(Unpooled.copiedBuffer("after your FIN", StandardCharsets.US_ASCII));
                }
            }
        };
        CompletableFuture<SocketChannel> accepted = new CompletableFuture<>();
        Channel listener = listen("127.0.0.1", accepted, recorder);
        try (Socket client = new Socket("127.0.0.1", ((InetSocketAddress) listener.localAddress()).getPort())) {
            client.getOutputStream().write("last words".getBytes(StandardCharsets.US_ASCII));
            client.shutdownOutput();
            InputStream in = client.getInputStream();
            assertEquals("after your FIN", new String(in.readNBytes(14), StandardCharsets.US_ASCII));
            SocketChannel child = accepted.get(10, TimeUnit.SECONDS);
            await().atMost(WAIT).until(() -> seen.size() >= 4);
            assertEquals(List.of("last words", ChannelInputShutdownEvent.INSTANCE, "input shut: true",
                    ChannelInputShutdownReadComplete.INSTANCE), seen);
            assertTrue(child.isActive(), "half-closed, still open for writing");
            child.close().syncUninterruptibly();
            assertEquals(-1, in.read());
        } finally {
            listener.close().syncUninterruptibly();
        }
    }
}
