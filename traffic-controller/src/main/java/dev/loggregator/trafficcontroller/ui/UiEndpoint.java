package dev.loggregator.trafficcontroller.ui;

import dev.loggregator.manifest.TrafficControllerSection;
import dev.loggregator.trafficcontroller.auth.AccessPolicy;
import dev.loggregator.trafficcontroller.proxyprotocol.ClientAddress;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.http.HttpClient;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web log viewer on the public port: {@code /} and {@code /ui} redirect to {@code /ui/}; under it
 * the page's files ({@link StaticFiles}), {@code config.json} (what the page needs from the manifest),
 * {@code session} ({@link SessionEndpoint}) and {@code login} ({@link UaaLogin}). The page itself reads
 * through the public APIs ({@code /set-cookie}, {@code /v2/read}, recent logs, Log Cache) like any client.
 */
public final class UiEndpoint {
    public static final String PREFIX = "/ui/";
    private static final Logger LOG = LoggerFactory.getLogger(UiEndpoint.class);
    private static final String NOT_FOUND = "404 page not found\n";

    private final TrafficControllerSection.Ui settings;
    private final StaticFiles files = new StaticFiles("ui", UiEndpoint.class.getClassLoader());
    private final SessionEndpoint session;
    private final UaaLogin login;
    private final boolean accessControl;

    public UiEndpoint(TrafficControllerSection.Ui settings, AccessPolicy policy, HttpClient http, String systemDomain) {
        this.settings = settings;
        this.session = new SessionEndpoint(policy);
        this.login = new UaaLogin(http, settings.login(), "doppler." + systemDomain);
        this.accessControl = !policy.accessControlDisabled();
    }

    /** Whether a request path is the viewer's: {@code /}, {@code /ui} or anything under {@code /ui/}. */
    public static boolean claims(String rawPath) {
        return rawPath.equals("/") || rawPath.equals("/ui") || rawPath.startsWith(PREFIX);
    }

    public void handle(ChannelHandlerContext ctx, FullHttpRequest request) {
        String rawPath = new QueryStringDecoder(request.uri()).rawPath();
        if (!settings.enabled()) {
            UiResponses.send(ctx, request, UiResponses.text(HttpResponseStatus.NOT_FOUND, NOT_FOUND));
            return;
        }
        if (rawPath.equals("/") || rawPath.equals("/ui")) {
            UiResponses.send(ctx, request, UiResponses.redirect(HttpResponseStatus.FOUND, PREFIX));
            return;
        }
        String relative = QueryStringDecoder.decodeComponent(rawPath.substring(PREFIX.length()));
        switch (relative) {
            case "session" -> async(ctx, request, HttpMethod.GET, () -> session.answer(request));
            case "login" -> async(ctx, request, HttpMethod.POST, () -> login.answer(request, head(request)));
            case "config.json" -> {
                if (allowed(ctx, request, HttpMethod.GET)) {
                    UiResponses.send(ctx, request, UiResponses.json(HttpResponseStatus.OK, config()));
                }
            }
            default -> serveFile(ctx, request, relative.isEmpty() ? "index.html" : relative);
        }
    }

    private Map<String, Object> config() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("buffer_lines", settings.bufferLines());
        config.put("pause_buffer_lines", settings.pauseBufferLines());
        config.put("access_control", accessControl);
        config.put("login", Map.of("uaa", login.configured(),
                "grants", login.configured() ? List.of("password", "client_credentials") : List.of()));
        return config;
    }

    private void serveFile(ChannelHandlerContext ctx, FullHttpRequest request, String relative) {
        if (!allowed(ctx, request, HttpMethod.GET)) {
            return;
        }
        StaticFiles.File file = files.find(relative).orElse(null);
        if (file == null) {
            UiResponses.send(ctx, request, UiResponses.text(HttpResponseStatus.NOT_FOUND, NOT_FOUND));
            return;
        }
        FullHttpResponse response;
        if (file.etag().equals(request.headers().get(HttpHeaderNames.IF_NONE_MATCH))) {
            response = UiResponses.of(HttpResponseStatus.NOT_MODIFIED, new byte[0], null);
        } else {
            response = UiResponses.of(HttpResponseStatus.OK, file.bytes(), file.contentType());
        }
        response.headers().set(HttpHeaderNames.ETAG, file.etag());
        // Libraries change only with a new build of the jar; the page's own files are revalidated every time.
        response.headers().set(HttpHeaderNames.CACHE_CONTROL,
                relative.startsWith("vendor/") ? "public, max-age=86400" : "no-cache");
        UiResponses.send(ctx, request, response);
    }

    /** GET also admits HEAD; anything else is a 405 naming what is allowed. */
    private static boolean allowed(ChannelHandlerContext ctx, FullHttpRequest request, HttpMethod method) {
        HttpMethod actual = request.method();
        if (actual.equals(method) || (method.equals(HttpMethod.GET) && actual.equals(HttpMethod.HEAD))) {
            return true;
        }
        FullHttpResponse response = UiResponses.text(HttpResponseStatus.METHOD_NOT_ALLOWED, "405 method not allowed\n");
        response.headers().set(HttpHeaderNames.ALLOW, method.equals(HttpMethod.GET) ? "GET, HEAD" : method.name());
        UiResponses.send(ctx, request, response);
        return false;
    }

    /** Answers off the event loop, reading nothing more from the connection meanwhile so answers stay in order. */
    private static void async(ChannelHandlerContext ctx, FullHttpRequest request, HttpMethod method,
                              java.util.function.Supplier<CompletableFuture<FullHttpResponse>> answer) {
        if (!allowed(ctx, request, method)) {
            return;
        }
        HttpRequest head = head(request);
        // Reading is off until the answer is sent (pipelined requests are answered in order).
        answer.get().whenComplete((response, error) -> ctx.executor().execute(() -> {
            if (error != null) {
                LOG.error("{} {} from {} failed", head.method(), head.uri(), ClientAddress.of(ctx.channel()), error);
                UiResponses.send(ctx, head, UiResponses.text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error\n"));
            } else {
                UiResponses.send(ctx, head, response);
            }
        }));
    }

    /** The request without its body, to answer after the aggregated request has been released. */
    private static HttpRequest head(FullHttpRequest request) {
        return new DefaultHttpRequest(request.protocolVersion(), request.method(), request.uri(), request.headers().copy());
    }
}
