package dev.loggregator.cli.logcache;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The parameters of Log Cache's {@code read}, written as go-log-cache writes them (Go's
 * {@code url.Values.Encode()}: keys sorted, values in order).
 *
 * @param startTime     nanoseconds, inclusive; {@link #GO_ZERO_TIME} for "from the beginning", as the cf CLI sends
 * @param endTime       nanoseconds, exclusive; null for the server's now
 * @param limit         at most this many (Log Cache: default 100, at most 1000); null for the server's default
 * @param envelopeTypes {@code LOG}, {@code COUNTER}, ... ; empty for every type
 * @param descending    newest first
 */
public record ReadRequest(long startTime, Long endTime, Integer limit, List<String> envelopeTypes, boolean descending) {
    /** Go's {@code time.Time{}.UnixNano()}, which go-log-cache sends when no start is set. */
    public static final long GO_ZERO_TIME = -6795364578871345152L;
    /** The most Log Cache returns per read. */
    public static final int MAX_LIMIT = 1000;

    public static ReadRequest logs(long startTime, Long endTime, int limit, boolean descending) {
        return new ReadRequest(startTime, endTime, limit, List.of("LOG"), descending);
    }

    public ReadRequest withLimit(int newLimit) {
        return new ReadRequest(startTime, endTime, newLimit, envelopeTypes, descending);
    }

    String query() {
        Map<String, List<String>> values = new TreeMap<>();
        if (descending) {
            values.put("descending", List.of("true"));
        }
        if (endTime != null) {
            values.put("end_time", List.of(Long.toString(endTime)));
        }
        if (!envelopeTypes.isEmpty()) {
            values.put("envelope_types", envelopeTypes);
        }
        if (limit != null) {
            values.put("limit", List.of(Integer.toString(limit)));
        }
        values.put("start_time", List.of(Long.toString(startTime)));
        StringBuilder query = new StringBuilder();
        values.forEach((key, list) -> {
            for (String value : list) {
                if (query.length() > 0) {
                    query.append('&');
                }
                query.append(key).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        });
        return query.toString();
    }
}
