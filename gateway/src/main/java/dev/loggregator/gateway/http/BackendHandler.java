package dev.loggregator.gateway.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;

/** Last stage of a backend connection's pipeline: hands responses to the exchange using the connection. */
final class BackendHandler extends ChannelInboundHandlerAdapter {
    private final BackendConnectionPool pool;
    private ProxyExchange exchange;

    BackendHandler(BackendConnectionPool pool) {
        this.pool = pool;
    }

    void bind(ProxyExchange exchange) {
        this.exchange = exchange;
    }

    void unbind() {
        this.exchange = null;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (exchange != null) {
            exchange.backendRead(msg);
        } else {
            // A pooled connection must not talk without being asked; it can no longer be trusted.
            ReferenceCountUtil.release(msg);
            ctx.close();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.backendReadComplete();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.backendWritabilityChanged(ctx.channel().isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            // A backend that stops sending mid-exchange ends the exchange (HTTP/1.1 has no half-close).
            if (exchange != null) {
                exchange.backendFailed(null);
            }
            ctx.close();
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.backendFailed(null);
        } else {
            pool.remove(ctx.channel());
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (exchange != null) {
            exchange.backendFailed(cause);
        }
        ctx.close();
    }
}
