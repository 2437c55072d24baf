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
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;

/**
 * Benchmark backend: a WebSocket server on loopback streaming 200-byte binary messages as fast as
 * the connection takes them. {@code /stream} is a WebSocket server as ours and the reference
 * measurements are built: each message its own frame through Netty's frame encoder, a flush every
 * 64 messages. {@code /stream-raw} writes pre-encoded frames in 64 KiB blocks, close to raw TCP, so
 * the relay in between is all that is left to measure. Any other path only completes the
 * handshake (for handshake latency).
 */
public final class StreamBackend {
    static final int PAYLOAD = 200;
    static final int FRAME = PAYLOAD + 4;
    static final int FRAMES_PER_BLOCK = 320;
    static final int FLUSH_EVERY = 64;

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
        ByteBuf payload = Unpooled.unreleasableBuffer(Unpooled.directBuffer(PAYLOAD).writeZero(PAYLOAD));
        NioEventLoopGroup group = new NioEventLoopGroup(1);
        new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(8192), new Handshake(frames, payload));
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", port)).sync();
        System.out.println("stream backend on 127.0.0.1:" + port);
    }

    static final class Handshake extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final ByteBuf frames;
        private final ByteBuf payload;

        Handshake(ByteBuf frames, ByteBuf payload) {
            this.frames = frames;
            this.payload = payload;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory("ws://bench" + request.uri(), null, false)
                    .newHandshaker(request);
            if (handshaker == null) {
                WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
                return;
            }
            String uri = request.uri();
            Streamer streamer = uri.equals("/stream-raw") ? new Streamer(frames, null)
                    : uri.equals("/stream") ? new Streamer(null, payload) : new Streamer(null, null);
            Channel channel = ctx.channel();
            handshaker.handshake(channel, request).addListener(f -> {
                if (!f.isSuccess()) {
                    channel.close();
                    return;
                }
                channel.pipeline().remove(this);
                channel.pipeline().addLast(streamer);
                streamer.pump(channel);
            });
        }
    }

    static final class Streamer extends io.netty.channel.ChannelInboundHandlerAdapter {
        private final ByteBuf blocks;
        private final ByteBuf payload;

        /** Streams {@code blocks} of pre-encoded frames, or one frame per {@code payload}, or nothing. */
        Streamer(ByteBuf blocks, ByteBuf payload) {
            this.blocks = blocks;
            this.payload = payload;
        }

        void pump(Channel channel) {
            if (blocks == null && payload == null) {
                return;
            }
            int unflushed = 0;
            while (channel.isActive() && channel.isWritable()) {
                if (blocks != null) {
                    channel.write(blocks.duplicate(), channel.voidPromise());
                } else {
                    channel.write(new BinaryWebSocketFrame(payload.duplicate()), channel.voidPromise());
                    if (++unflushed < FLUSH_EVERY) {
                        continue;
                    }
                    unflushed = 0;
                }
                channel.flush();
            }
            channel.flush();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                pump(ctx.channel());
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
