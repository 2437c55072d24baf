package io.netty.channel.epoll;

import io.netty.channel.Channel;
import io.netty.channel.socket.InternetProtocolFamily;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.unix.NativeInetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * A listening TCP socket of the gateway on epoll whose accepted connections are {@link
 * ProxyEpollSocketChannel}s, made without Netty's per-connection {@code getsockname} (the local
 * address of a connection accepted on a listener bound to one address is that address; on a
 * wildcard listener it is read when first asked for). Netty's {@code EpollServerSocketChannel} is
 * final, its accepted channel chosen inside it. Options: Netty's for a listening socket and {@code
 * SO_REUSEPORT} ({@link ProxyEpollServerSocketChannelConfig}); no TCP Fast Open or MD5 signatures.
 */
public final class ProxyEpollServerSocketChannel extends AbstractEpollServerChannel implements ServerSocketChannel {
    private final ProxyEpollServerSocketChannelConfig config;

    public ProxyEpollServerSocketChannel() {
        this((InternetProtocolFamily) null);
    }

    /** {@code family} null: the platform's preferred one (dual-stack IPv6 where there is IPv6). */
    public ProxyEpollServerSocketChannel(InternetProtocolFamily family) {
        super(LinuxSocket.newSocketStream(family), false);
        config = new ProxyEpollServerSocketChannelConfig(this);
    }

    /** A listening socket taken over by its descriptor (a reload's hand-over): listening already. */
    public ProxyEpollServerSocketChannel(int fd) {
        super(new LinuxSocket(fd));
        config = new ProxyEpollServerSocketChannelConfig(this);
    }

    @Override
    public ProxyEpollServerSocketChannelConfig config() {
        return config;
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
    protected void doBind(SocketAddress localAddress) throws Exception {
        super.doBind(localAddress);
        socket.listen(config.getBacklog());
        active = true;
    }

    @Override
    protected Channel newChildChannel(int fd, byte[] address, int offset, int len) {
        return new ProxyEpollSocketChannel(this, new LinuxSocket(fd), NativeInetAddress.address(address, offset, len), acceptedOn());
    }

    /** The local address of every connection accepted here when the listener has a single one, else null. */
    private InetSocketAddress acceptedOn() {
        InetSocketAddress own = localAddress();
        return own != null && own.getAddress() != null && !own.getAddress().isAnyLocalAddress() ? own : null;
    }
}
