package dev.loggregator.gateway;

import dev.loggregator.gateway.routing.Backend;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;

/**
 * Dials backends on the event loop of the client connection that needs them, so both halves of a
 * proxied connection live on one thread and hand bytes to each other without locks or queues.
 */
public final class BackendConnector {
    private final Bootstrap template;

    BackendConnector(Transport transport, int connectTimeoutMs) {
        template = new Bootstrap().channel(transport.socketChannel());
        ChannelTuning.apply(template);
        template.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMs);
    }

    public ChannelFuture connect(EventLoop loop, Backend backend, ChannelHandler initializer) {
        return template.clone(loop).handler(initializer).connect(backend.socketAddress());
    }
}
