package dev.loggregator.trafficcontroller.logcache;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.loggregator.trafficcontroller.api.HttpResponses;
import dev.loggregator.trafficcontroller.auth.BearerToken;
import dev.loggregator.trafficcontroller.logcache.promql.PromQLEndpoint;
import dev.loggregator.trafficcontroller.metrics.TrafficControllerMetrics;
import dev.loggregator.trafficcontroller.proxyprotocol.ClientAddress;
import dev.loggregator.wire.logcache.LogCacheLink;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.cloudfoundry.logcache.v1.LogCacheEgress.MetaInfo;
import org.cloudfoundry.logcache.v1.LogCacheEgress.ReadRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Log Cache's HTTP API on the Traffic Controller's public port, answered as its gateway and auth proxy
 * answer (modern-apis.md §1-2): {@code GET /api/v1/info} (no auth), {@code GET /api/v1/read/{source_id}}
 * (the source id is the rest of the path, slashes included), {@code GET /api/v1/meta}, and PromQL's
 * {@code /api/v1/query} and {@code /api/v1/query_range} ({@link PromQLEndpoint}). Every auth
 * failure is a 404 with an empty body; a query that does not parse is grpc-gateway's 400
 * {@code {"code":3,...}}; a read Log Cache refuses is its 500 {@code {"code":2,...}}.
 */
public final class LogCacheEndpoint {
    public static final String PREFIX = "/api/v1/";
    /** The Log Cache API version announced; the cf CLI needs 2.0.0 or later to use the /api/v1 paths. */
    public static final String VERSION = "3.0.0";
    private static final Logger LOG = LoggerFactory.getLogger(LogCacheEndpoint.class);
    private static final JsonFactory JSON = new JsonFactory();
    private static final byte[] READ_START = "{\"envelopes\":{\"batch\":[".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] READ_END = "]}}".getBytes(StandardCharsets.US_ASCII);

    private final LogCacheAccess access;
    private final LogCacheQueries queries;
    private final TrafficControllerMetrics metrics;
    private final PromQLEndpoint promql;

    public LogCacheEndpoint(LogCacheAccess access, LogCacheQueries queries, TrafficControllerMetrics metrics,
                            PromQLEndpoint promql) {
        this.access = access;
        this.queries = queries;
        this.metrics = metrics;
        this.promql = promql;
    }

    /** Whether {@code rawPath} is one of the paths served here (PromQL's included). */
    public static boolean serves(String rawPath) {
        return rawPath.equals(PREFIX + "info") || rawPath.equals(PREFIX + "meta") || rawPath.startsWith(PREFIX + "read/")
                || PromQLEndpoint.serves(rawPath);
    }

    public void handle(ChannelHandlerContext ctx, FullHttpRequest request) {
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String path = uri.rawPath();
        if (path.equals(PREFIX + "info")) {
            send(ctx, request, HttpResponseStatus.OK, null, ("{\"version\":\"" + VERSION + "\",\"vm_uptime\":\""
                    + Uptime.seconds() + "\"}\n").getBytes(StandardCharsets.US_ASCII));
            return;
        }
        String authorization = BearerToken.authorization(request);
        request.retain();
        CompletableFuture<FullHttpResponse> answer = PromQLEndpoint.serves(path) ? promql.answer(request)
                : path.equals(PREFIX + "meta") ? meta(authorization)
                : read(authorization, QueryStringDecoder.decodeComponent(path.substring((PREFIX + "read/").length())),
                uri.parameters());
        long started = System.nanoTime();
        answer.whenComplete((response, error) -> ctx.executor().execute(() -> {
            try {
                if (error != null) {
                    LOG.error("Log Cache request {} failed", request.uri(), error);
                    send(ctx, request, HttpResponseStatus.INTERNAL_SERVER_ERROR, null, new byte[0]);
                } else {
                    if (path.startsWith(PREFIX + "read/")) {
                        metrics.logCacheRead(System.nanoTime() - started);
                    }
                    send(ctx, request, response);
                }
            } finally {
                request.release();
            }
        }));
    }

    private CompletableFuture<FullHttpResponse> read(String authorization, String sourceId, Map<String, List<String>> query) {
        if (sourceId.isEmpty()) {
            return CompletableFuture.completedFuture(notFound());
        }
        ReadRequest read;
        try {
            read = ReadParameters.parse(sourceId, query);
        } catch (IllegalArgumentException e) {
            // grpc-gateway parses the query before the call reaches any auth, and answers InvalidArgument.
            return CompletableFuture.completedFuture(grpcError(HttpResponseStatus.BAD_REQUEST, 3, e.getMessage()));
        }
        return access.mayRead(authorization, sourceId).thenCompose(allowed -> {
            if (!allowed) {
                return CompletableFuture.completedFuture(notFound());
            }
            int limit = read.getLimit() == 0 ? 100 : (int) Math.min(read.getLimit(), Integer.MAX_VALUE);
            return queries.read(read, true, limit).handle((records, error) -> {
                if (error != null) {
                    Throwable cause = error instanceof java.util.concurrent.CompletionException ? error.getCause() : error;
                    if (cause instanceof LogCacheQueries.Refused refused) {
                        return grpcError(HttpResponseStatus.INTERNAL_SERVER_ERROR, 2, refused.getMessage());
                    }
                    if (cause instanceof LogCacheQueries.Unavailable unavailable) {
                        return grpcError(HttpResponseStatus.SERVICE_UNAVAILABLE, 14, unavailable.getMessage());
                    }
                    throw new java.util.concurrent.CompletionException(cause);
                }
                int size = READ_START.length + READ_END.length + records.size();
                for (LogCacheLink.Record record : records) {
                    size += record.length();
                }
                // The Dopplers' protojson copied once, straight into a pooled answer (released once written).
                ByteBuf body = ByteBufAllocator.DEFAULT.buffer(size);
                body.writeBytes(READ_START);
                for (int i = 0; i < records.size(); i++) {
                    LogCacheLink.Record record = records.get(i);
                    if (i > 0) {
                        body.writeByte(',');
                    }
                    body.writeBytes(record.body(), record.offset(), record.length());
                }
                body.writeBytes(READ_END);
                return json(HttpResponseStatus.OK, body);
            });
        });
    }

    private CompletableFuture<FullHttpResponse> meta(String authorization) {
        return access.readable(authorization).thenCompose(readable -> {
            if (readable == null) {
                return CompletableFuture.completedFuture(notFound());
            }
            return queries.meta().handle((meta, error) -> {
                if (error != null) {
                    // The auth proxy answers a meta it could not fetch with a bare 502.
                    LOG.warn("Log Cache meta failed: {}", error.toString());
                    return new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_GATEWAY);
                }
                return metaResponse(meta, readable);
            });
        });
    }

    /** protojson's default form, as the auth proxy writes it: lowerCamel names, zero values left out, sorted keys. */
    private static FullHttpResponse metaResponse(Map<String, MetaInfo> meta, LogCacheAccess.Readable readable) {
        ByteBuf body = Unpooled.buffer();
        try (JsonGenerator json = JSON.createGenerator((java.io.OutputStream) new ByteBufOutputStream(body))) {
            json.writeStartObject();
            json.writeFieldName("meta");
            json.writeStartObject();
            for (Map.Entry<String, MetaInfo> source : new TreeMap<>(meta).entrySet()) {
                if (!readable.includes(source.getKey())) {
                    continue;
                }
                MetaInfo info = source.getValue();
                json.writeFieldName(source.getKey());
                json.writeStartObject();
                writeNonZero(json, "count", info.getCount());
                writeNonZero(json, "expired", info.getExpired());
                writeNonZero(json, "oldestTimestamp", info.getOldestTimestamp());
                writeNonZero(json, "newestTimestamp", info.getNewestTimestamp());
                json.writeEndObject();
            }
            json.writeEndObject();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        body.writeByte('\n');
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        return response;
    }

    private static void writeNonZero(JsonGenerator json, String name, long value) throws IOException {
        if (value != 0) {
            json.writeStringField(name, Long.toString(value));
        }
    }

    /** grpc-gateway's error body for a gRPC status, with Log Cache's marshaller options (every field emitted). */
    private static FullHttpResponse grpcError(HttpResponseStatus status, int code, String message) {
        ByteBuf body = Unpooled.buffer();
        try (JsonGenerator json = JSON.createGenerator((java.io.OutputStream) new ByteBufOutputStream(body))) {
            json.writeStartObject();
            json.writeNumberField("code", code);
            json.writeStringField("message", message);
            json.writeArrayFieldStart("details");
            json.writeEndArray();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return json(status, body);
    }

    private static FullHttpResponse json(HttpResponseStatus status, ByteBuf body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        return response;
    }

    private static FullHttpResponse notFound() {
        return new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND);
    }

    private static void send(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status, String type,
                             byte[] body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        if (type != null) {
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
        }
        send(ctx, request, response);
    }

    private static void send(ChannelHandlerContext ctx, FullHttpRequest request, FullHttpResponse response) {
        if (!ctx.channel().isActive()) {
            response.release();
            return;
        }
        LOG.debug("{} {} from {}: {}", request.method(), request.uri(), ClientAddress.of(ctx.channel()), response.status().code());
        HttpResponses.send(ctx, response, HttpUtil.isKeepAlive(request));
    }
}
