package dev.loggregator.gateway.proxyprotocol;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows Netty's {@code HAProxyMessageDecoder} (PROXY protocol v1 and v2) on listeners that sit
 * behind an L4 load balancer: records the real client address for forwarded headers, logs and
 * PROXY-out, then leaves the pipeline. A connection that does not start with a PROXY header within
 * {@code proxy_protocol_header_ms}, or starts with a bad one, is closed: on such a listener every
 * connection comes from the load balancer, and trusting a missing header would let anyone pose as it.
 */
public final class ProxyProtocolHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyProtocolHandler.class);

    private final long timeoutMillis;
    private ScheduledFuture<?> timeout;

    public ProxyProtocolHandler(long timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        timeout = ctx.executor().schedule(() -> {
            LOG.debug("no PROXY header from {} within {} ms", ctx.channel().remoteAddress(), timeoutMillis);
            ctx.close();
        }, timeoutMillis, TimeUnit.MILLISECONDS);
        if (!ctx.channel().config().isAutoRead()) {
            ctx.read();
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HAProxyMessage header)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            if (header.command() == HAProxyCommand.PROXY
                    && (header.proxiedProtocol() == HAProxyProxiedProtocol.TCP4 || header.proxiedProtocol() == HAProxyProxiedProtocol.TCP6)) {
                ctx.channel().attr(ClientAddress.SOURCE).set(new InetSocketAddress(header.sourceAddress(), header.sourcePort()));
                ctx.channel().attr(ClientAddress.DESTINATION).set(new InetSocketAddress(header.destinationAddress(), header.destinationPort()));
            }
        } finally {
            header.release();
        }
        if (timeout != null) {
            timeout.cancel(false);
        }
        ctx.pipeline().remove(this);
        ctx.fireUserEventTriggered(ProxyHeaderReceived.INSTANCE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("bad PROXY header from {}: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    /** Fired once the PROXY header was read; TCP mode waits for it before dialing the backend. */
    public static final class ProxyHeaderReceived {
        public static final ProxyHeaderReceived INSTANCE = new ProxyHeaderReceived();

        private ProxyHeaderReceived() {
        }
    }
}
