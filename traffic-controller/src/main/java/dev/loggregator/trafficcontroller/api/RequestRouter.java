package dev.loggregator.trafficcontroller.api;

import dev.loggregator.trafficcontroller.proxyprotocol.ClientAddress;
import dev.loggregator.trafficcontroller.v2.ReadEndpoint;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sends each HTTP request to its endpoint (loggregator-v1-reference §2.1); unknown paths get gorilla's 404. */
@ChannelHandler.Sharable
final class RequestRouter extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(RequestRouter.class);

    private final StreamEndpoint streams;
    private final RecentEnvelopesEndpoint recent;
    private final SetCookieEndpoint setCookie;
    private final ReadEndpoint v2Read;
    private final DrainsEndpoint drains;

    RequestRouter(StreamEndpoint streams, RecentEnvelopesEndpoint recent, SetCookieEndpoint setCookie, ReadEndpoint v2Read,
                  DrainsEndpoint drains) {
        this.drains = drains;
        this.streams = streams;
        this.recent = recent;
        this.setCookie = setCookie;
        this.v2Read = v2Read;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            LOG.info("malformed HTTP request from {}: {}", ClientAddress.of(ctx.channel()), request.decoderResult().cause());
            HttpResponses.send(ctx, HttpResponses.text(HttpResponseStatus.BAD_REQUEST, "Bad Request\n"), false);
            return;
        }
        Route route = Route.of(request.uri());
        switch (route.kind()) {
            case APP_STREAM, FIREHOSE -> streams.handle(ctx, request, route);
            case RECENT_LOGS, CONTAINER_METRICS -> recent.handle(ctx, request, route);
            case SET_COOKIE -> setCookie.handle(ctx, request);
            case V2_READ -> v2Read.handle(ctx, request);
            case DRAINS -> drains.handle(ctx, request, route);
            case NOT_FOUND -> HttpResponses.send(ctx, HttpResponses.text(HttpResponseStatus.NOT_FOUND,
                    "404 page not found\n"), HttpUtil.isKeepAlive(request));
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("connection from {}: {}", ClientAddress.of(ctx.channel()), cause.toString());
        ctx.close();
    }
}
