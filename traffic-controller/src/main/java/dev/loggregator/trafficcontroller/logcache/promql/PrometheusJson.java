package dev.loggregator.trafficcontroller.logcache.promql;

import dev.loggregator.trafficcontroller.promql.Labels;
import dev.loggregator.trafficcontroller.promql.QueryResult;
import dev.loggregator.wire.v2.GoFloats;
import java.nio.charset.StandardCharsets;

/**
 * The HTTP bodies of Log Cache's PromQL API, byte for byte as its gateway's PromQL marshaller and auth
 * proxy write them with Go's encoding/json: {@code {"status":"success","data":{"resultType":...,"result":...}}}
 * with times as bare numbers with three decimals and values as strings ({@code strconv.FormatFloat 'f'}),
 * label maps with sorted keys, HTML characters escaped, a trailing newline; errors as
 * {@code {"status":"error","errorType":...,"error":...}}.
 */
final class PrometheusJson {
    private PrometheusJson() {
    }

    static byte[] success(QueryResult result) {
        StringBuilder out = new StringBuilder(256);
        out.append("{\"status\":\"success\",\"data\":{\"resultType\":\"").append(result.resultType()).append("\",\"result\":");
        if (result instanceof QueryResult.Scalar scalar) {
            point(out, scalar.time(), scalar.value());
        } else if (result instanceof QueryResult.Vector vector) {
            vector(out, vector);
        } else {
            matrix(out, (QueryResult.Matrix) result);
        }
        return out.append("}}\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void vector(StringBuilder out, QueryResult.Vector vector) {
        out.append('[');
        for (int i = 0; i < vector.samples().size(); i++) {
            QueryResult.Sample sample = vector.samples().get(i);
            out.append(i == 0 ? "" : ",").append("{\"metric\":");
            metric(out, sample.labels());
            out.append(",\"value\":");
            point(out, sample.time(), sample.value());
            out.append('}');
        }
        out.append(']');
    }

    private static void matrix(StringBuilder out, QueryResult.Matrix matrix) {
        out.append('[');
        for (int i = 0; i < matrix.series().size(); i++) {
            QueryResult.Series series = matrix.series().get(i);
            out.append(i == 0 ? "" : ",").append("{\"metric\":");
            metric(out, series.labels());
            out.append(",\"values\":[");
            for (int p = 0; p < series.times().length; p++) {
                out.append(p == 0 ? "" : ",");
                point(out, series.times()[p], series.values()[p]);
            }
            out.append("]}");
        }
        out.append(']');
    }

    /** An error body: {@code bad_data} from the auth proxy, {@code internal} from the gateway. */
    static byte[] error(String errorType, String message) {
        StringBuilder out = new StringBuilder("{\"status\":\"error\",\"errorType\":");
        string(out, errorType);
        out.append(",\"error\":");
        string(out, message);
        return out.append("}\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void point(StringBuilder out, long millis, double value) {
        out.append('[').append(QueryTimes.format(millis)).append(",\"").append(GoFloats.formatF(value)).append("\"]");
    }

    private static void metric(StringBuilder out, Labels labels) {
        out.append('{');
        for (int i = 0; i < labels.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            string(out, labels.name(i));
            out.append(':');
            string(out, labels.value(i));
        }
        out.append('}');
    }

    /** A JSON string as Go's encoding/json writes it (HTML escaping on). */
    static void string(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '<', '>', '&', '\u2028', '\u2029' -> out.append(String.format("\\u%04x", (int) c));
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else if (Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < value.length()
                            && Character.isLowSurrogate(value.charAt(i + 1)))) {
                        if (Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(value.charAt(i - 1))) {
                            out.append(c);
                        } else {
                            out.append("\\ufffd");
                        }
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
