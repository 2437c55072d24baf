package dev.loggregator.gateway.http;

import dev.loggregator.gateway.GatewayContext;
import dev.loggregator.gateway.routing.Backend;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;

/** Dials an HTTP backend connection: the client codec, then the stage that hands responses to the exchange using it. */
final class HttpBackendDialer {
    /** Backend responses: generous head limits (the backend is trusted more than clients), strict framing. */
    private static final HttpDecoderConfig BACKEND_DECODER = new HttpDecoderConfig()
            .setMaxInitialLineLength(8192).setMaxHeaderSize(65_536).setMaxChunkSize(65_536);

    private HttpBackendDialer() {
    }

    static ChannelFuture dial(GatewayContext gw, EventLoop loop, Backend backend) {
        return gw.connector().connect(loop, backend, new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast("http-codec", new HttpClientCodec(BACKEND_DECODER, false, false));
                ch.pipeline().addLast("backend", new BackendHandler(gw.pool()));
            }
        });
    }
}
