package dev.loggregator.trafficcontroller.api;

import dev.loggregator.trafficcontroller.logcache.LogCacheEndpoint;
import dev.loggregator.trafficcontroller.ui.UiEndpoint;
import dev.loggregator.trafficcontroller.v2.ReadEndpoint;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.Map;

/**
 * What a request path asks for (loggregator-v1-reference §2.1), with path segments
 * percent-decoded. The WS era's legacy paths ({@code /tail/?app=}, {@code /recent?app=},
 * {@code /dump/?app=}) map onto the current ones. {@code filterType} is the firehose's
 * {@code ?filter-type=} and {@code limit} recent logs' {@code ?limit=}, both as given (or null).
 */
public record Route(Kind kind, String appId, String subscriptionId, String filterType, String limit) {
    public enum Kind { APP_STREAM, FIREHOSE, RECENT_LOGS, CONTAINER_METRICS, SET_COOKIE, V2_READ, LOG_CACHE, UI, DRAINS, NOT_FOUND }

    private static final Route NOT_FOUND = new Route(Kind.NOT_FOUND, null, null, null, null);

    public static Route of(String uri) {
        QueryStringDecoder decoder = new QueryStringDecoder(uri);
        String rawPath = decoder.rawPath();
        Map<String, List<String>> query = decoder.parameters();
        String[] segments = rawPath.split("/", -1);
        // segments[0] is the empty string before the leading '/'
        if (segments.length == 4 && segments[1].equals("apps") && !segments[2].isEmpty()) {
            String app = QueryStringDecoder.decodeComponent(segments[2]);
            return switch (segments[3]) {
                case "stream" -> new Route(Kind.APP_STREAM, app, null, null, null);
                case "recentlogs" -> new Route(Kind.RECENT_LOGS, app, null, null, first(query, "limit"));
                case "containermetrics" -> new Route(Kind.CONTAINER_METRICS, app, null, null, null);
                default -> NOT_FOUND;
            };
        }
        if (segments.length == 3 && segments[1].equals("firehose") && !segments[2].isEmpty()) {
            return new Route(Kind.FIREHOSE, null, QueryStringDecoder.decodeComponent(segments[2]),
                    first(query, "filter-type"), null);
        }
        String legacyApp = first(query, "app");
        if (legacyApp != null && !legacyApp.isEmpty()) {
            switch (rawPath) {
                case "/tail", "/tail/":
                    return new Route(Kind.APP_STREAM, legacyApp, null, null, null);
                case "/recent", "/recent/", "/dump", "/dump/":
                    return new Route(Kind.RECENT_LOGS, legacyApp, null, null, first(query, "limit"));
                default:
                    break;
            }
        }
        if (LogCacheEndpoint.serves(rawPath)) {
            return new Route(Kind.LOG_CACHE, null, null, null, null);
        }
        if (rawPath.equals(ReadEndpoint.PATH)) {
            return new Route(Kind.V2_READ, null, null, null, null);
        }
        if (rawPath.equals(DrainsEndpoint.PATH)) {
            return new Route(Kind.DRAINS, first(query, "app"), null, null, null);
        }
        if (rawPath.equals("/set-cookie")) {
            return new Route(Kind.SET_COOKIE, null, null, null, null);
        }
        if (UiEndpoint.claims(rawPath)) {
            return new Route(Kind.UI, null, null, null, null);
        }
        return NOT_FOUND;
    }

    /** The filter forwarded to Dopplers: {@code logs} or {@code metrics}; anything else means all envelopes. */
    public String dopplerFilter() {
        return "logs".equals(filterType) || "metrics".equals(filterType) ? filterType : null;
    }

    private static String first(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
