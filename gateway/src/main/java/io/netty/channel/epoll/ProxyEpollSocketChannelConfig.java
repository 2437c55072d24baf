package io.netty.channel.epoll;

import static io.netty.channel.ChannelOption.ALLOW_HALF_CLOSURE;
import static io.netty.channel.ChannelOption.IP_TOS;
import static io.netty.channel.ChannelOption.SO_KEEPALIVE;
import static io.netty.channel.ChannelOption.SO_LINGER;
import static io.netty.channel.ChannelOption.SO_RCVBUF;
import static io.netty.channel.ChannelOption.SO_REUSEADDR;
import static io.netty.channel.ChannelOption.SO_SNDBUF;
import static io.netty.channel.ChannelOption.TCP_NODELAY;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelOption;
import io.netty.channel.MessageSizeEstimator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannelConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The options of a {@link ProxyEpollSocketChannel}: the socket options the gateway uses, each read
 * or written only when asked for. Netty's {@code EpollSocketChannelConfig} reads {@code SO_SNDBUF}
 * in its constructor (a {@code getsockopt} per socket) only to size its first gathering write; here
 * that first size comes from the kernel's default send buffer of a new TCP socket, read once per
 * process (what that {@code getsockopt} returns on a socket before it connects; an accepted one may
 * have grown past it). Either way the limit only starts there: writes that the kernel takes in full
 * raise it (Netty's {@code adjustMaxBytesPerGatheringWrite}).
 */
public final class ProxyEpollSocketChannelConfig extends EpollChannelConfig implements SocketChannelConfig {
    /** Twice the default send buffer (net.ipv4.tcp_wmem's middle value), as Netty computes it per socket. */
    private static final long FIRST_GATHERING_WRITE_LIMIT = 2L * defaultSendBuffer();

    private volatile boolean allowHalfClosure;

    ProxyEpollSocketChannelConfig(ProxyEpollSocketChannel channel) {
        super(channel);
        setMaxBytesPerGatheringWrite(FIRST_GATHERING_WRITE_LIMIT);
        // TCP_NODELAY as Netty sets it: a proxy must not hold back the last bytes of a message.
        setTcpNoDelay(true);
    }

    private static int defaultSendBuffer() {
        try {
            String[] wmem = Files.readString(Path.of("/proc/sys/net/ipv4/tcp_wmem")).trim().split("\\s+");
            return Integer.parseInt(wmem[1]);
        } catch (IOException | RuntimeException e) {
            return 16 * 1024; // the kernel's default
        }
    }

    @Override
    public Map<ChannelOption<?>, Object> getOptions() {
        return getOptions(super.getOptions(), SO_RCVBUF, SO_SNDBUF, TCP_NODELAY, SO_KEEPALIVE, SO_REUSEADDR, SO_LINGER, IP_TOS,
                ALLOW_HALF_CLOSURE);
    }

    @SuppressWarnings("unchecked")
    @Override
    public <T> T getOption(ChannelOption<T> option) {
        if (option == SO_RCVBUF) {
            return (T) Integer.valueOf(getReceiveBufferSize());
        }
        if (option == SO_SNDBUF) {
            return (T) Integer.valueOf(getSendBufferSize());
        }
        if (option == TCP_NODELAY) {
            return (T) Boolean.valueOf(isTcpNoDelay());
        }
        if (option == SO_KEEPALIVE) {
            return (T) Boolean.valueOf(isKeepAlive());
        }
        if (option == SO_REUSEADDR) {
            return (T) Boolean.valueOf(isReuseAddress());
        }
        if (option == SO_LINGER) {
            return (T) Integer.valueOf(getSoLinger());
        }
        if (option == IP_TOS) {
            return (T) Integer.valueOf(getTrafficClass());
        }
        if (option == ALLOW_HALF_CLOSURE) {
            return (T) Boolean.valueOf(isAllowHalfClosure());
        }
        return super.getOption(option);
    }

    @Override
    public <T> boolean setOption(ChannelOption<T> option, T value) {
        validate(option, value);
        if (option == SO_RCVBUF) {
            setReceiveBufferSize((Integer) value);
        } else if (option == SO_SNDBUF) {
            setSendBufferSize((Integer) value);
        } else if (option == TCP_NODELAY) {
            setTcpNoDelay((Boolean) value);
        } else if (option == SO_KEEPALIVE) {
            setKeepAlive((Boolean) value);
        } else if (option == SO_REUSEADDR) {
            setReuseAddress((Boolean) value);
        } else if (option == SO_LINGER) {
            setSoLinger((Integer) value);
        } else if (option == IP_TOS) {
            setTrafficClass((Integer) value);
        } else if (option == ALLOW_HALF_CLOSURE) {
            setAllowHalfClosure((Boolean) value);
        } else {
            return super.setOption(option, value);
        }
        return true;
    }

    private interface Read<T> {
        T from(LinuxSocket socket) throws IOException;
    }

    private interface Write {
        void to(LinuxSocket socket) throws IOException;
    }

    private <T> T read(Read<T> read) {
        try {
            return read.from(socket());
        } catch (IOException e) {
            throw new ChannelException(e);
        }
    }

    private ProxyEpollSocketChannelConfig write(Write write) {
        try {
            write.to(socket());
            return this;
        } catch (IOException e) {
            throw new ChannelException(e);
        }
    }

    @Override
    public int getReceiveBufferSize() {
        return read(LinuxSocket::getReceiveBufferSize);
    }

    @Override
    public int getSendBufferSize() {
        return read(LinuxSocket::getSendBufferSize);
    }

    @Override
    public int getSoLinger() {
        return read(LinuxSocket::getSoLinger);
    }

    @Override
    public int getTrafficClass() {
        return read(LinuxSocket::getTrafficClass);
    }

    @Override
    public boolean isKeepAlive() {
        return read(LinuxSocket::isKeepAlive);
    }

    @Override
    public boolean isReuseAddress() {
        return read(LinuxSocket::isReuseAddress);
    }

    @Override
    public boolean isTcpNoDelay() {
        return read(LinuxSocket::isTcpNoDelay);
    }

    @Override
    public boolean isAllowHalfClosure() {
        return allowHalfClosure;
    }

    @Override
    public ProxyEpollSocketChannelConfig setKeepAlive(boolean keepAlive) {
        return write(socket -> socket.setKeepAlive(keepAlive));
    }

    @Override
    public ProxyEpollSocketChannelConfig setReceiveBufferSize(int receiveBufferSize) {
        return write(socket -> socket.setReceiveBufferSize(receiveBufferSize));
    }

    @Override
    public ProxyEpollSocketChannelConfig setSendBufferSize(int sendBufferSize) {
        write(socket -> socket.setSendBufferSize(sendBufferSize));
        // As Netty does: gathering writes of up to twice the buffer the kernel actually gave.
        setMaxBytesPerGatheringWrite(2L * getSendBufferSize());
        return this;
    }

    @Override
    public ProxyEpollSocketChannelConfig setSoLinger(int soLinger) {
        return write(socket -> socket.setSoLinger(soLinger));
    }

    @Override
    public ProxyEpollSocketChannelConfig setTcpNoDelay(boolean tcpNoDelay) {
        return write(socket -> socket.setTcpNoDelay(tcpNoDelay));
    }

    @Override
    public ProxyEpollSocketChannelConfig setTrafficClass(int trafficClass) {
        return write(socket -> socket.setTrafficClass(trafficClass));
    }

    @Override
    public ProxyEpollSocketChannelConfig setReuseAddress(boolean reuseAddress) {
        return write(socket -> socket.setReuseAddress(reuseAddress));
    }

    @Override
    public ProxyEpollSocketChannelConfig setPerformancePreferences(int connectionTime, int latency, int bandwidth) {
        return this;
    }

    @Override
    public ProxyEpollSocketChannelConfig setAllowHalfClosure(boolean allowHalfClosure) {
        this.allowHalfClosure = allowHalfClosure;
        return this;
    }

    @Override
    public ProxyEpollSocketChannelConfig setConnectTimeoutMillis(int connectTimeoutMillis) {
        super.setConnectTimeoutMillis(connectTimeoutMillis);
        return this;
    }

    @Override
    @Deprecated
    public ProxyEpollSocketChannelConfig setMaxMessagesPerRead(int maxMessagesPerRead) {
        super.setMaxMessagesPerRead(maxMessagesPerRead);
        return this;
    }

    @Override
    public ProxyEpollSocketChannelConfig setWriteSpinCount(int writeSpinCount) {
        super.setWriteSpinCount(writeSpinCount);
        return this;
    }

    @Override
    public ProxyEpollSocketChannelConfig setAllocator(ByteBufAllocator allocator) {
        super.setAllocator(allocator);
        return this;
    }

    @Override
    public ProxyEpollSocketChannelConfig setRecvByteBufAllocator(RecvByteBufAllocator allocator) {
        super.setRecvByteBufAllocator(allocator);
        return this;
    }

    @Override
    public ProxyEpollSocketChannelConfig setAutoRead(boolean autoRead) {
        super.setAutoRead(autoRead);
        return this;
    }

    @Override
    public ProxyEpollSocketChannelConfig setAutoClose(boolean autoClose) {
        super.setAutoClose(autoClose);
        return this;
    }

    @Override
    public ProxyEpollSocketChannelConfig setMessageSizeEstimator(MessageSizeEstimator estimator) {
        super.setMessageSizeEstimator(estimator);
        return this;
    }

    @Override
    public ProxyEpollSocketChannelConfig setWriteBufferWaterMark(WriteBufferWaterMark writeBufferWaterMark) {
        super.setWriteBufferWaterMark(writeBufferWaterMark);
        return this;
    }
}
