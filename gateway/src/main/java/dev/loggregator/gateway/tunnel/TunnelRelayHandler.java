package dev.loggregator.gateway.tunnel;

import dev.loggregator.gateway.DrainDeadlineEvent;
import dev.loggregator.gateway.HandOffTurnEvent;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * One direction of a {@link Tunnel}: whatever this channel reads is written to the peer, flushed
 * once per read batch (a flush is a system call), and reading stops while the peer's outbound
 * buffer is above its high-water mark, so a slow reader on one side never makes the gateway
 * buffer without bound. In a WebSocket tunnel each read is followed frame by frame on its way.
 */
final class TunnelRelayHandler extends ChannelInboundHandlerAdapter {
    private final Tunnel tunnel;
    private final Channel peer;
    private final boolean clientSide;
    /** What this side sends, frame by frame (WebSocket tunnels), else null. */
    private final FrameBoundaries frames;

    TunnelRelayHandler(Tunnel tunnel, Channel peer, boolean clientSide, FrameBoundaries frames) {
        this.tunnel = tunnel;
        this.peer = peer;
        this.clientSide = clientSide;
        this.frames = frames;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf buf)) {
            // Leftovers of the HTTP codec (the empty last content after a 101).
            ReferenceCountUtil.release(msg);
            return;
        }
        tunnel.read(clientSide, buf.readableBytes());
        if (frames != null) {
            if (tunnel.goingAway()) {
                tunnel.readWhileGoingAway(clientSide, buf);
                return;
            }
            frames.scan(buf);
        }
        peer.write(buf, peer.voidPromise());
        if (!peer.isWritable()) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        peer.flush();
        // The read ended at this side's FIN (Netty handles it right after this event).
        if (ctx.channel().unsafe().recvBufAllocHandle().lastBytesRead() < 0) {
            tunnel.finRead(clientSide, ctx.channel());
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            peer.config().setAutoRead(true);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            // Nothing more can be read: without this, the read-complete that follows asks to read
            // again (epoll_ctl to watch input, a read of the FIN again, epoll_ctl to stop watching).
            ctx.channel().config().setAutoRead(false);
            tunnel.inputShutdown(clientSide);
        } else if (evt instanceof DrainDeadlineEvent || evt instanceof HandOffTurnEvent) {
            tunnel.goAway();
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        tunnel.close((clientSide ? "client_error: " : "backend_error: ") + cause.getMessage());
    }
}
