package dev.loggregator.trafficcontroller.logcache.promql;

import dev.loggregator.trafficcontroller.logcache.LogCacheAccess;
import dev.loggregator.trafficcontroller.promql.Expr;
import dev.loggregator.trafficcontroller.promql.PromQLException;
import dev.loggregator.trafficcontroller.promql.QueryParser;
import dev.loggregator.trafficcontroller.promql.QueryResult;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Log Cache's HTTP PromQL API, {@code GET /api/v1/query} ({@code query}, {@code time}) and {@code GET
 * /api/v1/query_range} ({@code query}, {@code start}, {@code end}, {@code step}), answered as its auth
 * proxy and gateway answer: no {@code Authorization} header, a refused token or a source the caller may
 * not read is a 404 with an empty body; a query that does not parse or names no source id is the
 * proxy's 400 {@code bad_data}; anything that fails after that is the gateway's 500 {@code internal}
 * with the engine's message; PromQL switched off is the proxy's 501 ({@code PROMQL_UNIMPLEMENTED}) for
 * every path under {@code /api/v1/query}, before any auth.
 */
public final class PromQLEndpoint {
    public static final String QUERY = "/api/v1/query";
    public static final String QUERY_RANGE = "/api/v1/query_range";
    /** log-cache-release {@code promql/unimplemented_middleware.go}, byte for byte (its Go source's tabs included). */
    static final byte[] UNIMPLEMENTED = ("{\n\t\t\t\t\"status\": \"error\",\n\t\t\t\t\"errorType\": \"bad_data\",\n"
            + "\t\t\t\t\"error\": \"Metrics not available\"\n\t\t\t}").getBytes(StandardCharsets.US_ASCII);

    private final boolean enabled;
    private final boolean accessControlOff;
    private final SourceIdAccess access;
    private final PromQLQueries queries;

    /** {@code queries} may be null when PromQL is switched off. */
    public PromQLEndpoint(boolean enabled, boolean accessControlOff, LogCacheAccess access, PromQLQueries queries) {
        this.enabled = enabled;
        this.accessControlOff = accessControlOff;
        this.access = new SourceIdAccess(access);
        this.queries = queries;
    }

    /** Every path under {@code /api/v1/query} is PromQL's: answered, or 501 when off, or 404. */
    public static boolean serves(String rawPath) {
        return rawPath.startsWith(QUERY);
    }

    public CompletableFuture<FullHttpResponse> answer(FullHttpRequest request) {
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String path = uri.rawPath();
        if (!enabled) {
            return done(respond(HttpResponseStatus.NOT_IMPLEMENTED, "text/plain; charset=utf-8", UNIMPLEMENTED));
        }
        boolean range = path.equals(QUERY_RANGE);
        if (!range && !path.equals(QUERY)) {
            return done(respond(HttpResponseStatus.NOT_FOUND, "text/plain; charset=utf-8",
                    "404 page not found\n".getBytes(StandardCharsets.US_ASCII)));
        }
        String authorization = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (!accessControlOff && (authorization == null || authorization.isEmpty())) {
            return done(notFound());
        }
        Map<String, List<String>> parameters = uri.parameters();
        Expr expr;
        try {
            expr = QueryParser.parse(first(parameters, "query"));
        } catch (PromQLException e) {
            return done(json(HttpResponseStatus.BAD_REQUEST, PrometheusJson.error("bad_data", e.getMessage())));
        }
        Set<String> sourceIds = SourceIdAccess.sourceIds(expr);
        if (sourceIds.isEmpty()) {
            return done(json(HttpResponseStatus.BAD_REQUEST,
                    PrometheusJson.error("bad_data", "query does not request any source_ids")));
        }
        return access.authorize(expr, sourceIds, authorization == null ? "" : authorization).thenCompose(allowed -> {
            if (allowed == null) {
                return done(notFound());
            }
            if (!request.method().equals(HttpMethod.GET)) {
                // What grpc-gateway answers for a method its routes do not have, through Log Cache's error handler.
                return done(internal(HttpResponseStatus.NOT_IMPLEMENTED, "Method Not Allowed"));
            }
            CompletableFuture<QueryResult> result;
            try {
                result = range ? range(allowed, parameters) : instant(allowed, parameters);
            } catch (IllegalArgumentException e) {
                return done(internal(HttpResponseStatus.INTERNAL_SERVER_ERROR, e.getMessage()));
            }
            return result.handle((answer, error) -> error == null
                    ? json(HttpResponseStatus.OK, PrometheusJson.success(answer))
                    : internal(HttpResponseStatus.INTERNAL_SERVER_ERROR, message(error)));
        });
    }

    private CompletableFuture<QueryResult> instant(Expr expr, Map<String, List<String>> parameters) {
        String time = first(parameters, "time");
        return queries.instant(expr, time.isEmpty() ? QueryTimes.now() : QueryTimes.parseTime(time));
    }

    private CompletableFuture<QueryResult> range(Expr expr, Map<String, List<String>> parameters) {
        long step = parse("step", () -> QueryTimes.parseStep(first(parameters, "step")));
        long start = parse("start", () -> QueryTimes.parseTime(first(parameters, "start")));
        long end = parse("end", () -> QueryTimes.parseTime(first(parameters, "end")));
        return queries.range(expr, start, end, step);
    }

    /** Log Cache's "couldn't parse step: ..." and its kind. */
    private static long parse(String what, java.util.function.LongSupplier parser) {
        try {
            return parser.getAsLong();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("couldn't parse " + what + ": " + e.getMessage());
        }
    }

    static String message(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return cause instanceof PromQLException || cause instanceof IllegalArgumentException ? cause.getMessage()
                : String.valueOf(cause);
    }

    private static String first(Map<String, List<String>> parameters, String name) {
        List<String> values = parameters.get(name);
        return values == null || values.isEmpty() ? "" : values.get(0);
    }

    private static <T> CompletableFuture<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }

    private static FullHttpResponse internal(HttpResponseStatus status, String message) {
        return json(status, PrometheusJson.error("internal", message));
    }

    private static FullHttpResponse json(HttpResponseStatus status, byte[] body) {
        return respond(status, "application/json", body);
    }

    private static FullHttpResponse notFound() {
        return new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND);
    }

    private static FullHttpResponse respond(HttpResponseStatus status, String type, byte[] body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
        return response;
    }
}
