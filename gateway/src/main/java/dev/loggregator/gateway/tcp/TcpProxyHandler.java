package dev.loggregator.gateway.tcp;

import dev.loggregator.gateway.GatewayContext;
import dev.loggregator.gateway.proxyprotocol.ClientAddress;
import dev.loggregator.gateway.proxyprotocol.ProxyHeaders;
import dev.loggregator.gateway.proxyprotocol.ProxyProtocolHandler.ProxyHeaderReceived;
import dev.loggregator.gateway.routing.Backend;
import dev.loggregator.gateway.routing.BackendPool;
import dev.loggregator.gateway.tunnel.Tunnel;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP-mode connection: for load balancers in front that cannot pass WebSockets in HTTP mode, the
 * bytes go untouched to a backend of the listener's pool. Nothing has been sent when a dial fails,
 * so connect failures are retried on other backends (at most {@code min(max_attempts, backends)}
 * dials) and mark the backend dead. With {@code send_proxy_protocol} the backend first receives a
 * PROXY header naming the real client.
 */
public final class TcpProxyHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(TcpProxyHandler.class);

    private final GatewayContext gw;
    private final int listenerPort;
    private final String sendProxyProtocol;
    private final boolean waitForProxyHeader;
    private final List<Object> early = new ArrayList<>();
    private final Set<Backend> tried = new HashSet<>();
    private ChannelHandlerContext ctx;
    private BackendPool pool;
    private Channel dialing;
    private boolean started;
    private boolean closed;

    public TcpProxyHandler(GatewayContext gw, int listenerPort, String sendProxyProtocol, boolean waitForProxyHeader) {
        this.gw = gw;
        this.listenerPort = listenerPort;
        this.sendProxyProtocol = sendProxyProtocol;
        this.waitForProxyHeader = waitForProxyHeader;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (!waitForProxyHeader) {
            start();
        }
        ctx.fireChannelActive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ProxyHeaderReceived && !started) {
            start();
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        // Bytes that came with the PROXY header, before the backend is connected.
        early.add(msg);
    }

    private void start() {
        started = true;
        pool = gw.routes().tcpPool(listenerPort);
        if (pool == null || pool.size() == 0) {
            ctx.close();
            return;
        }
        dial();
    }

    private void dial() {
        int maxAttempts = Math.min(gw.settings().limits().maxAttempts(), pool.size());
        Backend backend = tried.size() < maxAttempts ? pool.select(tried) : null;
        if (backend == null) {
            LOG.info("tcp {} port={} no backend reachable after {} attempts", ClientAddress.describe(ctx.channel()), listenerPort, tried.size());
            gw.metrics().gatewayError("backend_connect_failed");
            ctx.close();
            return;
        }
        if (!tried.isEmpty()) {
            gw.metrics().retry();
        }
        tried.add(backend);
        backend.connectionOpened();
        ChannelFuture connect = gw.connector().connectNotReading(ctx.channel().eventLoop(), backend);
        dialing = connect.channel();
        connect.addListener(f -> {
            if (closed) {
                backend.connectionClosed();
                connect.channel().close();
                return;
            }
            if (f.isSuccess()) {
                connected(backend, connect.channel());
            } else {
                backend.connectionClosed();
                backend.markDead(gw.deadBackendTtlNanos());
                String reason = f.cause() instanceof ConnectTimeoutException ? "backend_connect_timeout" : "backend_connect_failed";
                gw.metrics().backendFailure(backend.address(), reason);
                dial();
            }
        });
    }

    private void connected(Backend backend, Channel backendChannel) {
        if (!"none".equals(sendProxyProtocol)) {
            backendChannel.pipeline().addLast("proxy-protocol-encoder", HAProxyMessageEncoder.INSTANCE);
            backendChannel.write(ProxyHeaders.forClient(ctx.channel(), sendProxyProtocol));
            backendChannel.pipeline().remove("proxy-protocol-encoder");
        }
        for (Object msg : early) {
            backendChannel.write(msg);
        }
        early.clear();
        Channel client = ctx.channel();
        Tunnel tunnel = Tunnel.install(client, backendChannel, backend, gw.metrics(),
                "tcp " + ClientAddress.describe(client) + " port=" + listenerPort, gw.settings().timeouts(), false);
        ctx.pipeline().remove(this);
        tunnel.start();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed = true;
        early.forEach(ReferenceCountUtil::release);
        early.clear();
        if (dialing != null && !dialing.isActive()) {
            dialing.close();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("tcp client error: {}", cause.toString());
        ctx.close();
    }
}
