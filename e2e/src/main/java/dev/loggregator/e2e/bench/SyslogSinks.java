package dev.loggregator.e2e.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Local syslog receivers for the drains scenario: one listening port per drain, counting
 * RFC 6587 octet-counted messages without decoding them (so thousands of lines per millisecond
 * cost the benchmark's JVM little), all on two event loops.
 */
final class SyslogSinks implements AutoCloseable {
    private final EventLoopGroup loops = new NioEventLoopGroup(2, new DefaultThreadFactory("bench-syslog-sink", true));
    private final List<Channel> listeners = new ArrayList<>();
    private final List<LongAdder> counts = new ArrayList<>();

    SyslogSinks(int n) {
        for (int i = 0; i < n; i++) {
            LongAdder count = new LongAdder();
            counts.add(count);
            listeners.add(new ServerBootstrap().group(loops).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel channel) {
                            channel.pipeline().addLast(new FrameCounter(count));
                        }
                    })
                    .bind(new InetSocketAddress("127.0.0.1", 0)).syncUninterruptibly().channel());
        }
    }

    /** {@code syslog://127.0.0.1:port} of sink {@code i}. */
    String url(int i) {
        return "syslog://127.0.0.1:" + ((InetSocketAddress) listeners.get(i).localAddress()).getPort();
    }

    long total() {
        return counts.stream().mapToLong(LongAdder::sum).sum();
    }

    /** Waits until {@code expected} messages arrived in all, or nothing arrived for {@code quietMillis}. */
    long awaitQuiet(long expected, long quietMillis, long maxMillis) {
        long deadline = System.currentTimeMillis() + maxMillis;
        long last = -1;
        long lastChange = System.currentTimeMillis();
        while (System.currentTimeMillis() < deadline) {
            long now = total();
            if (now >= expected) {
                return now;
            }
            if (now != last) {
                last = now;
                lastChange = System.currentTimeMillis();
            } else if (System.currentTimeMillis() - lastChange > quietMillis) {
                return now;
            }
            LockSupport.parkNanos(20_000_000);
        }
        return total();
    }

    /** Counts octet-counted frames across reads: the length digits, a space, then that many bytes skipped. */
    private static final class FrameCounter extends ChannelInboundHandlerAdapter {
        private final LongAdder count;
        private int length;
        private int remaining;

        FrameCounter(LongAdder count) {
            this.count = count;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            try {
                while (in.isReadable()) {
                    if (remaining > 0) {
                        int n = Math.min(remaining, in.readableBytes());
                        in.skipBytes(n);
                        remaining -= n;
                        if (remaining == 0) {
                            count.increment();
                        }
                        continue;
                    }
                    byte b = in.readByte();
                    if (b == ' ') {
                        remaining = length;
                        length = 0;
                        if (remaining == 0) {
                            count.increment();
                        }
                    } else {
                        length = length * 10 + (b - '0');
                    }
                }
            } finally {
                in.release();
            }
        }
    }

    @Override
    public void close() {
        listeners.forEach(Channel::close);
        loops.shutdownGracefully();
    }
}
