package dev.loggregator.trafficcontroller.connections;

import dev.loggregator.limits.ConnectionLimits;
import dev.loggregator.logging.BadInput;
import dev.loggregator.trafficcontroller.metrics.TrafficControllerMetrics;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admits a new client connection against {@link ConnectionLimits} (per client address and in
 * all), or refuses it: a plain-HTTP client reads a 503 (the answer goes out before any request
 * is read, as HAProxy's {@code maxconn} refusal does), a TLS client is just closed. The slot is
 * given back when the connection closes. Counted in {@code doppler_proxy_refusals_total}.
 */
public final class ConnectionGate {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGate.class);
    private static final byte[] BUSY = ("HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
            + "Content-Length: 37\r\nConnection: close\r\n\r\ntoo many connections; try again later")
            .getBytes(StandardCharsets.US_ASCII);

    private final ConnectionLimits limits;
    private final TrafficControllerMetrics metrics;

    public ConnectionGate(ConnectionLimits limits, TrafficControllerMetrics metrics) {
        this.limits = limits;
        this.metrics = metrics;
    }

    /** True when {@code channel} may be served; otherwise its pipeline is set up to refuse it. */
    public boolean admit(SocketChannel channel, boolean tls) {
        InetAddress address = channel.remoteAddress() == null ? null : channel.remoteAddress().getAddress();
        ConnectionLimits.Refusal refusal = limits.acquire(address);
        if (refusal == null) {
            channel.closeFuture().addListener(f -> limits.release(address));
            return true;
        }
        String reason = refusal == ConnectionLimits.Refusal.TOTAL ? "connection_limit" : "address_connection_limit";
        metrics.refused(reason);
        LOG.warn(BadInput.MARKER, "refused a connection from {}: {}", address, reason);
        channel.pipeline().addLast("refuse", new Refuse(!tls));
        return false;
    }

    private static final class Refuse extends ChannelInboundHandlerAdapter {
        private final boolean answer;

        Refuse(boolean answer) {
            this.answer = answer;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            if (answer) {
                ctx.writeAndFlush(Unpooled.wrappedBuffer(BUSY)).addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.close();
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }
    }
}
