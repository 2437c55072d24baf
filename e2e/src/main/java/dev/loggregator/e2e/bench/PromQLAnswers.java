package dev.loggregator.e2e.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashSet;
import java.util.Set;
import java.util.function.IntToDoubleFunction;

/**
 * Checks of the promql scenario's answers, so a fast answer that is wrong (empty, missing instances,
 * wrong values) does not count as a result. The full checks parse the JSON; {@link #looksRight} is the
 * cheap one made on every answer of the timed loops.
 */
final class PromQLAnswers {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SUCCESS = "{\"status\":\"success\"";
    private static final String INSTANCE_LABEL = "\"instance_id\":";
    private static final double TOLERANCE = 1e-9;

    private PromQLAnswers() {
    }

    /** A successful answer naming {@code series} instance ids. */
    static boolean looksRight(String body, int series) {
        if (!body.startsWith(SUCCESS)) {
            return false;
        }
        int found = 0;
        for (int at = body.indexOf(INSTANCE_LABEL); at >= 0; at = body.indexOf(INSTANCE_LABEL, at + 1)) {
            found++;
        }
        return found == series;
    }

    /**
     * An instant vector with one sample per instance {@code 0..instances-1}, each {@code expected(instance)};
     * null when it is, else what is wrong.
     */
    static String checkVector(String body, int instances, IntToDoubleFunction expected) {
        JsonNode data = parse(body);
        if (data == null || !"vector".equals(data.path("resultType").asText())) {
            return "not a successful vector answer: " + abbreviate(body);
        }
        Set<String> seen = new HashSet<>();
        for (JsonNode sample : data.path("result")) {
            int instance = instance(sample, instances, seen);
            if (instance < 0) {
                return "unexpected or repeated instance_id in " + sample.path("metric");
            }
            double value = Double.parseDouble(sample.path("value").path(1).asText("NaN"));
            if (!close(value, expected.applyAsDouble(instance))) {
                return "instance " + instance + ": " + value + ", expected " + expected.applyAsDouble(instance);
            }
        }
        return seen.size() == instances ? null : seen.size() + " series, expected " + instances + ": " + abbreviate(body);
    }

    /**
     * A matrix with one series per instance, each of {@code points} values equal to {@code expected(instance)};
     * null when it is, else what is wrong.
     */
    static String checkMatrix(String body, int instances, int points, IntToDoubleFunction expected) {
        JsonNode data = parse(body);
        if (data == null || !"matrix".equals(data.path("resultType").asText())) {
            return "not a successful matrix answer: " + abbreviate(body);
        }
        Set<String> seen = new HashSet<>();
        for (JsonNode series : data.path("result")) {
            int instance = instance(series, instances, seen);
            if (instance < 0) {
                return "unexpected or repeated instance_id in " + series.path("metric");
            }
            JsonNode values = series.path("values");
            if (values.size() != points) {
                return "instance " + instance + ": " + values.size() + " points, expected " + points;
            }
            for (JsonNode point : values) {
                double value = Double.parseDouble(point.path(1).asText("NaN"));
                if (!close(value, expected.applyAsDouble(instance))) {
                    return "instance " + instance + " at " + point.path(0).asText() + ": " + value
                            + ", expected " + expected.applyAsDouble(instance);
                }
            }
        }
        return seen.size() == instances ? null : seen.size() + " series, expected " + instances + ": " + abbreviate(body);
    }

    private static JsonNode parse(String body) {
        try {
            JsonNode root = JSON.readTree(body);
            return "success".equals(root.path("status").asText()) ? root.path("data") : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** The series' instance index, or -1 when it is not one of 0..instances-1 or was seen already. */
    private static int instance(JsonNode series, int instances, Set<String> seen) {
        String id = series.path("metric").path("instance_id").asText("");
        try {
            int instance = Integer.parseInt(id);
            return instance >= 0 && instance < instances && seen.add(id) ? instance : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static boolean close(double value, double expected) {
        return Math.abs(value - expected) <= TOLERANCE * Math.max(1, Math.abs(expected));
    }

    private static String abbreviate(String body) {
        return body.length() <= 300 ? body : body.substring(0, 300) + "...";
    }
}
