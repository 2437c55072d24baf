package dev.loggregator.gateway.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;

/**
 * Benchmark backend: a WebSocket server on loopback. {@code /stream} gets 200-byte binary messages
 * as fast as the connection takes them (pre-encoded frames written in 64 KiB blocks, so the
 * backend is cheap and the relay in between is what is measured); any other path only completes
 * the handshake (for handshake latency).
 */
public final class StreamBackend {
    static final int PAYLOAD = 200;
    static final int FRAME = PAYLOAD + 4;
    static final int FRAMES_PER_BLOCK = 320;

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        ByteBuf block = Unpooled.directBuffer(FRAME * FRAMES_PER_BLOCK);
        for (int i = 0; i < FRAMES_PER_BLOCK; i++) {
            block.writeByte(0x82).writeByte(126).writeShort(PAYLOAD);
            for (int j = 0; j < PAYLOAD; j++) {
                block.writeByte(j);
            }
        }
        ByteBuf frames = Unpooled.unreleasableBuffer(block);
        NioEventLoopGroup group = new NioEventLoopGroup(1);
        new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(8192), new Handshake(frames));
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", port)).sync();
        System.out.println("stream backend on 127.0.0.1:" + port);
    }

    static final class Handshake extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final ByteBuf frames;

        Handshake(ByteBuf frames) {
            this.frames = frames;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory("ws://bench" + request.uri(), null, false)
                    .newHandshaker(request);
            if (handshaker == null) {
                WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
                return;
            }
            boolean stream = request.uri().startsWith("/stream");
            Channel channel = ctx.channel();
            handshaker.handshake(channel, request).addListener(f -> {
                if (!f.isSuccess()) {
                    channel.close();
                    return;
                }
                channel.pipeline().remove(this);
                channel.pipeline().addLast(new Streamer(stream ? frames : null));
                if (stream) {
                    Streamer.pump(channel, frames);
                }
            });
        }
    }

    static final class Streamer extends io.netty.channel.ChannelInboundHandlerAdapter {
        private final ByteBuf frames;

        Streamer(ByteBuf frames) {
            this.frames = frames;
        }

        static void pump(Channel channel, ByteBuf frames) {
            while (channel.isActive() && channel.isWritable()) {
                channel.write(frames.duplicate(), channel.voidPromise());
            }
            channel.flush();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (frames != null && ctx.channel().isWritable()) {
                pump(ctx.channel(), frames);
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
