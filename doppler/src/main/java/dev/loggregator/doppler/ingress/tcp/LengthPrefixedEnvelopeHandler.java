package dev.loggregator.doppler.ingress.tcp;

import dev.loggregator.doppler.ingress.EnvelopeIntake;
import dev.loggregator.doppler.logging.RateLimitedLog;
import dev.loggregator.doppler.metrics.RefusedConnectionReason;
import dev.loggregator.doppler.metrics.DopplerMetrics;
import dev.loggregator.doppler.metrics.IngressProtocol;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the envelopes a {@link io.netty.handler.codec.LengthFieldBasedFrameDecoder} cut from a
 * v1 TCP or TLS stream. A malformed envelope is dropped and the stream goes on (its framing is
 * intact); a length above the maximum closes the connection, since the stream can no longer be
 * trusted to be framed at all.
 */
@ChannelHandler.Sharable
final class LengthPrefixedEnvelopeHandler extends SimpleChannelInboundHandler<ByteBuf> {
    private static final Logger LOG = LoggerFactory.getLogger(LengthPrefixedEnvelopeHandler.class);

    private final EnvelopeIntake intake;
    private final DopplerMetrics metrics;
    private final IngressProtocol protocol;
    private final RateLimitedLog log = new RateLimitedLog(LOG);

    LengthPrefixedEnvelopeHandler(EnvelopeIntake intake, DopplerMetrics metrics, IngressProtocol protocol) {
        this.intake = intake;
        this.metrics = metrics;
        this.protocol = protocol;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
        intake.acceptV1(ByteBufUtil.getBytes(frame), protocol, ctx.channel().remoteAddress());
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof SslHandshakeCompletionEvent handshake && !handshake.isSuccess()) {
            metrics.refusedConnections().increment(RefusedConnectionReason.TLS_HANDSHAKE);
            log.warn("Closed {} connection from {}: TLS handshake failed: {}", protocol.label(),
                    ctx.channel().remoteAddress(), handshake.cause().getMessage());
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            metrics.refusedConnections().increment(RefusedConnectionReason.OVERSIZE_FRAME);
            log.warn("Closed {} connection from {}: {}", protocol.label(), ctx.channel().remoteAddress(), cause.getMessage());
        } else if (ctx.channel().isActive()) {
            log.warn("Closed {} connection from {}: {}", protocol.label(), ctx.channel().remoteAddress(), cause.toString());
        }
        ctx.close();
    }
}
