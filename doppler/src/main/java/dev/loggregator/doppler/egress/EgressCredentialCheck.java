package dev.loggregator.doppler.egress;

import dev.loggregator.doppler.logging.RateLimitedLog;
import dev.loggregator.doppler.metrics.DopplerMetrics;
import dev.loggregator.doppler.metrics.RefusedConnectionReason;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * With {@code properties.internal_secret} set, every request on the egress port must carry
 * {@code Authorization: Bearer <secret>} (what Traffic Controllers send): anything else gets a
 * 401 and the connection closes, counted as {@code doppler_refused_connections_total{reason="unauthorized"}}.
 * The port serves every app's logs and the firehose; without this, anyone who can reach it reads them.
 */
@ChannelHandler.Sharable
final class EgressCredentialCheck extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(EgressCredentialCheck.class);
    private static final RateLimitedLog REFUSED_LOG = new RateLimitedLog(LOG);

    private final byte[] expected;
    private final DopplerMetrics metrics;

    EgressCredentialCheck(String secret, DopplerMetrics metrics) {
        super(false);
        this.expected = ("Bearer " + secret).getBytes(StandardCharsets.UTF_8);
        this.metrics = metrics;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        String presented = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        // Constant time: how much of the secret matched must not show in the answer's timing.
        if (presented != null && MessageDigest.isEqual(expected, presented.getBytes(StandardCharsets.UTF_8))) {
            ctx.fireChannelRead(request);
            return;
        }
        request.release();
        metrics.refusedConnections().increment(RefusedConnectionReason.UNAUTHORIZED);
        REFUSED_LOG.warn("Refused an egress request from {}: {} credential", ctx.channel().remoteAddress(),
                presented == null ? "no" : "wrong");
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.UNAUTHORIZED,
                Unpooled.copiedBuffer("Unauthorized\n", StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
