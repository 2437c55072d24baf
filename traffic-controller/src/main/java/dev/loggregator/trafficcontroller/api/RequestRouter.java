package dev.loggregator.trafficcontroller.api;

import dev.loggregator.logging.BadInput;
import dev.loggregator.trafficcontroller.connections.RequestDeadline;
import dev.loggregator.trafficcontroller.metrics.TrafficControllerMetrics;
import dev.loggregator.trafficcontroller.proxyprotocol.ClientAddress;
import dev.loggregator.trafficcontroller.logcache.LogCacheEndpoint;
import dev.loggregator.trafficcontroller.ui.UiEndpoint;
import dev.loggregator.trafficcontroller.v2.ReadEndpoint;
import dev.loggregator.wire.appid.AppGuids;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each HTTP request to its endpoint (loggregator-v1-reference §2.1); unknown paths get
 * gorilla's 404. Whatever a request holds, it gets an answer: a request Netty could not parse, a
 * path that is not percent-encoded properly, or a value an endpoint cannot use is a 400, and an
 * app id that is not a GUID a 401 without body, as the original's log-access check answers (checked
 * before anything else, so no other stage, and no Doppler link, ever sees an arbitrary app id).
 */
@ChannelHandler.Sharable
final class RequestRouter extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(RequestRouter.class);

    private final StreamEndpoint streams;
    private final RecentEnvelopesEndpoint recent;
    private final SetCookieEndpoint setCookie;
    private final ReadEndpoint v2Read;
    private final LogCacheEndpoint logCache;
    private final UiEndpoint ui;
    private final TrafficControllerMetrics metrics;
    private final DrainsEndpoint drains;

    RequestRouter(StreamEndpoint streams, RecentEnvelopesEndpoint recent, SetCookieEndpoint setCookie, ReadEndpoint v2Read,
                  LogCacheEndpoint logCache, DrainsEndpoint drains, UiEndpoint ui, TrafficControllerMetrics metrics) {
        this.drains = drains;
        this.streams = streams;
        this.recent = recent;
        this.setCookie = setCookie;
        this.v2Read = v2Read;
        this.logCache = logCache;
        this.ui = ui;
        this.metrics = metrics;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        // Reading is off (ApiServer): ask for the first request.
        ctx.read();
        ctx.fireChannelActive();
    }

    /**
     * A read that brought only part of a request ends here without one: ask for more, or the
     * request would wait forever in {@link io.netty.handler.flow.FlowControlHandler} (it counts a
     * read as used up by the read completing, not by a request arriving).
     */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        RequestDeadline deadline = RequestDeadline.of(ctx);
        if (deadline != null && deadline.awaitingRequest()) {
            ctx.read();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        RequestDeadline deadline = RequestDeadline.of(ctx);
        if (deadline != null) {
            deadline.requestReceived();
        }
        if (!request.decoderResult().isSuccess()) {
            refuse(ctx, request, "malformed_request", HttpResponseStatus.BAD_REQUEST, "Bad Request\n", false,
                    request.decoderResult().cause().toString());
            return;
        }
        Route route;
        try {
            route = Route.of(request.uri());
        } catch (IllegalArgumentException e) {
            refuse(ctx, request, "malformed_path", HttpResponseStatus.BAD_REQUEST, "Bad Request: malformed path\n",
                    HttpUtil.isKeepAlive(request), e.getMessage());
            return;
        }
        if (route.appId() != null && !AppGuids.isGuid(route.appId())) {
            refuse(ctx, request, "app_id_not_guid", HttpResponseStatus.UNAUTHORIZED, "", HttpUtil.isKeepAlive(request),
                    "app id is not a GUID");
            return;
        }
        try {
            switch (route.kind()) {
                case APP_STREAM, FIREHOSE -> streams.handle(ctx, request, route);
                case RECENT_LOGS, CONTAINER_METRICS -> recent.handle(ctx, request, route);
                case SET_COOKIE -> setCookie.handle(ctx, request);
                case V2_READ -> v2Read.handle(ctx, request);
                case LOG_CACHE -> logCache.handle(ctx, request);
                case DRAINS -> drains.handle(ctx, request, route);
                case UI -> ui.handle(ctx, request);
                case NOT_FOUND -> HttpResponses.send(ctx, HttpResponses.text(HttpResponseStatus.NOT_FOUND,
                        "404 page not found\n"), HttpUtil.isKeepAlive(request));
            }
        } catch (IllegalArgumentException e) {
            // A value Netty refuses to put in a response (a header with CR/LF, say): the request's fault.
            refuse(ctx, request, "bad_request", HttpResponseStatus.BAD_REQUEST, "Bad Request\n", false, e.getMessage());
        }
    }

    private void refuse(ChannelHandlerContext ctx, FullHttpRequest request, String reason, HttpResponseStatus status,
                        String body, boolean keepAlive, String detail) {
        metrics.refused(reason);
        LOG.info(BadInput.MARKER, "{} from {}: {} ({})", reason, ClientAddress.of(ctx.channel()), status.code(), detail);
        HttpResponses.send(ctx, HttpResponses.text(status, body), keepAlive);
    }

    /**
     * A failure no endpoint handled. While the connection still speaks HTTP the client gets a 400
     * and the connection closes (its state is unknown); a broken connection just closes.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException || !ctx.channel().isActive() || ctx.pipeline().get(HttpServerCodec.class) == null) {
            LOG.debug("connection from {}: {}", ClientAddress.of(ctx.channel()), cause.toString());
            ctx.close();
            return;
        }
        metrics.refused("bad_request");
        LOG.info(BadInput.MARKER, "bad_request from {}: 400 ({})", ClientAddress.of(ctx.channel()), cause.toString());
        HttpResponses.send(ctx, HttpResponses.text(HttpResponseStatus.BAD_REQUEST, "Bad Request\n"), false);
    }
}
