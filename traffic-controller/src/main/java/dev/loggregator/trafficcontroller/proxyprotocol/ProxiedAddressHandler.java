package dev.loggregator.trafficcontroller.proxyprotocol;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;

/** Records the client address a PROXY header carried, then leaves the pipeline. */
final class ProxiedAddressHandler extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HAProxyMessage message) {
            try {
                // LOCAL (health checks from the proxy itself) carries no client address.
                if (message.command() == HAProxyCommand.PROXY && message.sourceAddress() != null) {
                    String host = message.sourceAddress();
                    String address = host.contains(":") ? "[" + host + "]:" + message.sourcePort()
                            : host + ":" + message.sourcePort();
                    ctx.channel().attr(ClientAddress.PROXIED).set(address);
                }
            } finally {
                message.release();
            }
            ctx.pipeline().remove(this);
            return;
        }
        ctx.fireChannelRead(msg);
    }
}
