package dev.loggregator.e2e.drain;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The syslog receiver of {@code bin/loggregator up --demo}: where the demo app's syslog drain
 * goes, so a newcomer sees a drain working. It takes octet-counted RFC 5424 messages over TCP and
 * appends each, one per line, to a file ({@code .run/demo-drain.log}), as an rsyslog would (control
 * characters escaped as "#ooo").
 */
public final class DemoDrainReceiver implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DemoDrainReceiver.class);

    private final EventLoopGroup group = new NioEventLoopGroup(1, new DefaultThreadFactory("demo-drain", true));
    private final Writer out;
    private final Channel listener;

    public DemoDrainReceiver(InetSocketAddress address, Path file) {
        try {
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            listener = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel channel) {
                            channel.pipeline().addLast(new OctetCountingDecoder(1 << 20), new Appender());
                        }
                    })
                    .bind(address).syncUninterruptibly().channel();
        } catch (Exception e) { // also a failed bind's BindException, which Netty rethrows unchecked
            release();
            throw e instanceof RuntimeException runtime ? runtime
                    : new IllegalStateException("cannot listen on " + address + ": " + e, e);
        }
        LOG.info("demo syslog drain receiver on {} writing to {}", address, file);
    }

    /** All connections share the one event loop, so writes to the file need no lock. */
    private final class Appender extends SimpleChannelInboundHandler<String> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, String message) throws IOException {
            // One message a line even when it spans several (a stack trace): control characters escaped as
            // rsyslog's $EscapeControlCharactersOnReceive writes them, '#' and three octal digits ("#012").
            for (int i = 0; i < message.length(); i++) {
                char c = message.charAt(i);
                if (c < 0x20 || c == 0x7f) {
                    out.write('#');
                    out.write('0' + (c >> 6));
                    out.write('0' + (c >> 3 & 7));
                    out.write('0' + (c & 7));
                } else {
                    out.write(c);
                }
            }
            out.write('\n');
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) throws IOException {
            out.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.warn("demo drain connection from {}: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }

    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        release();
    }

    private void release() {
        group.shutdownGracefully();
        try {
            out.close();
        } catch (IOException e) {
            LOG.warn("cannot close the demo drain log: {}", e.toString());
        }
    }
}
