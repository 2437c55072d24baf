package io.netty.channel.epoll;

import io.netty.channel.ChannelException;
import io.netty.channel.ChannelOption;
import java.io.IOException;
import java.util.Map;

/** Netty's options of an epoll listening socket, and {@code SO_REUSEPORT} (one listening socket per event loop). */
public final class ProxyEpollServerSocketChannelConfig extends EpollServerChannelConfig {
    ProxyEpollServerSocketChannelConfig(ProxyEpollServerSocketChannel channel) {
        super(channel);
    }

    @Override
    public Map<ChannelOption<?>, Object> getOptions() {
        return getOptions(super.getOptions(), EpollChannelOption.SO_REUSEPORT);
    }

    @SuppressWarnings("unchecked")
    @Override
    public <T> T getOption(ChannelOption<T> option) {
        if (option == EpollChannelOption.SO_REUSEPORT) {
            try {
                return (T) Boolean.valueOf(socket().isReusePort());
            } catch (IOException e) {
                throw new ChannelException(e);
            }
        }
        return super.getOption(option);
    }

    @Override
    public <T> boolean setOption(ChannelOption<T> option, T value) {
        if (option == EpollChannelOption.SO_REUSEPORT) {
            validate(option, value);
            try {
                socket().setReusePort((Boolean) value);
            } catch (IOException e) {
                throw new ChannelException(e);
            }
            return true;
        }
        return super.setOption(option, value);
    }
}
