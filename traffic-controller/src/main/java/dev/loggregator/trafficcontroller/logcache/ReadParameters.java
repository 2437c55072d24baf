package dev.loggregator.trafficcontroller.logcache;

import java.util.List;
import java.util.Map;
import org.cloudfoundry.logcache.v1.LogCacheEgress.EnvelopeType;
import org.cloudfoundry.logcache.v1.LogCacheEgress.ReadRequest;

/**
 * A {@code GET /api/v1/read/{source_id}} query as grpc-gateway maps it onto {@code logcache.v1.ReadRequest}:
 * each field by its proto name or its JSON name, int64s in decimal (negative allowed: the Go client sends
 * {@code -6795364578871345152} for "no start"), {@code envelope_types} repeatable by enum name or number,
 * {@code descending} as a Go boolean; other parameters are ignored. A value that does not parse is
 * grpc-gateway's InvalidArgument.
 */
final class ReadParameters {
    private ReadParameters() {
    }

    static ReadRequest parse(String sourceId, Map<String, List<String>> query) {
        ReadRequest.Builder request = ReadRequest.newBuilder().setSourceId(sourceId);
        String start = last(query, "start_time", "startTime");
        if (start != null) {
            request.setStartTime(int64("start_time", start));
        }
        String end = last(query, "end_time", "endTime");
        if (end != null) {
            request.setEndTime(int64("end_time", end));
        }
        String limit = last(query, "limit", "limit");
        if (limit != null) {
            request.setLimit(int64("limit", limit));
        }
        String descending = last(query, "descending", "descending");
        if (descending != null) {
            request.setDescending(bool("descending", descending));
        }
        String nameFilter = last(query, "name_filter", "nameFilter");
        if (nameFilter != null) {
            request.setNameFilter(nameFilter);
        }
        for (String key : List.of("envelope_types", "envelopeTypes")) {
            for (String type : query.getOrDefault(key, List.of())) {
                request.addEnvelopeTypes(envelopeType(type));
            }
        }
        return request.build();
    }

    private static String last(Map<String, List<String>> query, String protoName, String jsonName) {
        List<String> values = query.containsKey(protoName) ? query.get(protoName) : query.get(jsonName);
        return values == null || values.isEmpty() ? null : values.get(values.size() - 1);
    }

    private static long int64(String field, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw invalid(field, value, "strconv.ParseInt: parsing \"" + value + "\": invalid syntax");
        }
    }

    /** Go's strconv.ParseBool. */
    private static boolean bool(String field, String value) {
        return switch (value) {
            case "1", "t", "T", "true", "TRUE", "True" -> true;
            case "0", "f", "F", "false", "FALSE", "False" -> false;
            default -> throw invalid(field, value, "strconv.ParseBool: parsing \"" + value + "\": invalid syntax");
        };
    }

    private static EnvelopeType envelopeType(String value) {
        try {
            EnvelopeType byName = EnvelopeType.valueOf(value);
            if (byName != EnvelopeType.UNRECOGNIZED) {
                return byName;
            }
        } catch (IllegalArgumentException notAName) {
            // maybe a number
        }
        try {
            EnvelopeType byNumber = EnvelopeType.forNumber(Integer.parseInt(value));
            if (byNumber != null) {
                return byNumber;
            }
        } catch (NumberFormatException notANumber) {
            // neither
        }
        throw invalid("envelope_types", value, "invalid value for enum field envelope_types: \"" + value + "\"");
    }

    private static IllegalArgumentException invalid(String field, String value, String detail) {
        return new IllegalArgumentException("parsing field \"" + field + "\": " + detail);
    }
}
