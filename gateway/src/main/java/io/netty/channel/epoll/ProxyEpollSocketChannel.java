package io.netty.channel.epoll;

import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.channel.socket.InternetProtocolFamily;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.unix.InputEnd;
import io.netty.util.concurrent.FastThreadLocal;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.AlreadyConnectedException;

/**
 * A TCP connection of the gateway on epoll, accepted or dialled, that makes the system calls HAProxy
 * makes per connection and no more. Netty's {@code EpollSocketChannel} (final) is the same channel
 * with, per connection: a {@code getsockname} for the local address (in the constructor of an
 * accepted one, after {@code connect} of a dialled one) and a {@code getpeername} after connect, an
 * {@code SO_SNDBUF} read in its config ({@link ProxyEpollSocketChannelConfig}), an {@code
 * epoll_ctl ADD} and then a {@code MOD} to start reading, {@code EPOLLOUT} set and cleared around a
 * connect (two {@code epoll_ctl}, an {@code SO_ERROR} read and one more event-loop pass) even where
 * the connection was up when {@code connect} returned, as it is on loopback, and at the peer's FIN
 * of a half-closable connection a {@code shutdown(SHUT_RD)}, a second read of the FIN and two
 * {@code epoll_ctl}. One {@code getsockname}
 * per socket is left, in Netty's {@code Socket} constructor (it learns the address family so).
 */
public final class ProxyEpollSocketChannel extends AbstractEpollStreamChannel implements SocketChannel {
    /** {@code tcpi_state} values (include/net/tcp_states.h). */
    private static final int TCP_SYN_SENT = 2;
    private static final int TCP_CLOSE = 7;
    private static final FastThreadLocal<EpollTcpInfo> TCP_INFO = new FastThreadLocal<>() {
        @Override
        protected EpollTcpInfo initialValue() {
            return new EpollTcpInfo();
        }
    };

    private final ProxyEpollSocketChannelConfig config;
    /** The listening socket this connection was accepted on; null for a connection dialled. */
    private final ServerSocketChannel listener;
    /** Read from the socket on first use, unless known without asking (the listener's own address). */
    private volatile InetSocketAddress local;
    private volatile InetSocketAddress remote;

    /** A socket to dial with, of the platform's preferred family (dual-stack IPv6 where there is IPv6). */
    public ProxyEpollSocketChannel() {
        this((InternetProtocolFamily) null);
    }

    /** A socket to dial with; {@code family} null: the platform's preferred one. */
    public ProxyEpollSocketChannel(InternetProtocolFamily family) {
        super(LinuxSocket.newSocketStream(family), false);
        listener = null;
        config = new ProxyEpollSocketChannelConfig(this);
    }

    /** An accepted connection: its peer's address came with accept4; {@code local} null: read when asked. */
    ProxyEpollSocketChannel(ServerSocketChannel listener, LinuxSocket socket, InetSocketAddress remote, InetSocketAddress local) {
        // Constructed as not yet active: Netty's constructor for an active socket reads both
        // addresses from the kernel (getsockname and getpeername).
        super(socket, false);
        this.listener = listener;
        this.remote = remote;
        this.local = local;
        config = new ProxyEpollSocketChannelConfig(this);
        active = true;
    }

    @Override
    public ProxyEpollSocketChannelConfig config() {
        return config;
    }

    @Override
    public ServerSocketChannel parent() {
        return listener;
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) super.localAddress();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return (InetSocketAddress) super.remoteAddress();
    }

    @Override
    protected SocketAddress localAddress0() {
        InetSocketAddress address = local;
        if (address == null && socket.isOpen()) {
            address = socket.localAddress(); // the getsockname Netty makes for every socket, here only for those asked
            local = address;
        }
        return address;
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return remote;
    }

    /**
     * Registers the socket for input at once when it will read from the start (auto-read): one
     * {@code epoll_ctl ADD}, where Netty adds it without {@code EPOLLIN} and modifies it in the
     * {@code read()} that follows {@code channelActive}. A socket still connecting reports no input
     * before it is connected (it reports {@code EPOLLHUP}, which Netty's loop ignores).
     */
    @Override
    protected void doRegister() throws Exception {
        if (config.isAutoRead()) {
            flags |= Native.EPOLLIN;
        }
        super.doRegister();
    }

    /**
     * Connects without asking the kernel for the addresses afterwards (the peer is the address
     * dialled; the local one is read if asked for), and, when {@code connect} reports the
     * connection in progress, asks at once whether it is up: on loopback the whole handshake runs
     * inside {@code connect(2)}. One {@code getsockopt(TCP_INFO)} then saves setting and clearing
     * {@code EPOLLOUT} and the event-loop pass in between, so the request goes out in this pass.
     * ({@code SO_ERROR} cannot tell: it reads 0 while the SYN is still unanswered.) Not up yet: as
     * Netty does, wait for {@code EPOLLOUT} (and the connect timeout runs).
     */
    @Override
    protected boolean doConnect(SocketAddress remoteAddress, SocketAddress localAddress) throws Exception {
        if (!(remoteAddress instanceof InetSocketAddress peer)) {
            throw new ConnectException("not an IP address: " + remoteAddress);
        }
        checkResolvable(peer);
        if (remote != null) {
            throw new AlreadyConnectedException();
        }
        boolean connected;
        boolean success = false;
        try {
            if (localAddress != null) {
                socket.bind(localAddress);
            }
            connected = socket.connect(peer) || upAlready();
            if (!connected) {
                setFlag(Native.EPOLLOUT);
            }
            success = true;
        } finally {
            if (!success) {
                doClose();
            }
        }
        remote = peer;
        return connected;
    }

    /** After a connect reported in progress: up (true), still in progress (false), or failed (throws its error). */
    private boolean upAlready() throws IOException {
        EpollTcpInfo info = TCP_INFO.get();
        socket.getTcpInfo(info);
        int state = info.state();
        if (state == TCP_SYN_SENT) {
            return false;
        }
        if (state == TCP_CLOSE && socket.finishConnect()) { // SO_ERROR: throws the error that ended the attempt
            throw new ConnectException("connect failed: the connection was closed while connecting");
        }
        return true;
    }

    @Override
    protected AbstractEpollUnsafe newUnsafe() {
        return new ProxySocketUnsafe();
    }

    private final class ProxySocketUnsafe extends EpollStreamUnsafe {
        /**
         * The peer's FIN read (a read returned end of stream) on an edge-triggered socket that
         * allows half-closure. Netty then calls {@code shutdown(SHUT_RD)}, stops watching for
         * input ({@code epoll_ctl MOD}), reads the FIN a second time in the {@code EPOLLRDHUP}
         * event that came with it to learn the input is finished, and stops watching for that
         * ({@code epoll_ctl MOD}). Nothing can follow a FIN, so here the input is marked shut
         * and finished at once, in Netty's bookkeeping only: no {@code shutdown} (HAProxy makes
         * none either), no second read, and the events are dropped from the channel's flags
         * without {@code epoll_ctl} (the channel's next change of flags, if any, writes them; a
         * late edge from the kernel meanwhile finds the input finished and does nothing). The
         * pipeline gets the same two events as from Netty's channel. Any other end of input (a
         * read error, a reset, level-triggered epoll) goes Netty's way.
         */
        @Override
        void shutdownInput(boolean rdHup) {
            if (rdHup || socket.isInputShutdown() || !config.isAllowHalfClosure() || !isActive() || !isFlagSet(Native.EPOLLET)
                    || recvBufAllocHandle().lastBytesRead() >= 0) {
                super.shutdownInput(rdHup);
                return;
            }
            InputEnd.markEnded(socket);
            inputClosedSeenErrorOnRead = true;
            readPending = false;
            flags &= ~(Native.EPOLLIN | Native.EPOLLRDHUP);
            pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
            if (isActive()) {
                pipeline().fireUserEventTriggered(ChannelInputShutdownReadComplete.INSTANCE);
            }
        }
    }
}
