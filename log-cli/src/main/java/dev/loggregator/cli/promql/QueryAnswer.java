package dev.loggregator.cli.promql;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A PromQL answer as lines for a person: {@code {label="value", ...} VALUE} per sample of a vector, the
 * series then {@code VALUE @TIME} per point of a matrix, the value of a scalar.
 */
public final class QueryAnswer {
    private QueryAnswer() {
    }

    public static List<String> lines(JsonNode data) {
        List<String> lines = new ArrayList<>();
        JsonNode result = data.path("result");
        switch (data.path("resultType").asText()) {
            case "scalar" -> lines.add(result.get(1).asText());
            case "matrix" -> {
                for (JsonNode series : result) {
                    lines.add(labels(series.path("metric")));
                    for (JsonNode point : series.path("values")) {
                        lines.add("  " + point.get(1).asText() + " @" + seconds(point.get(0)));
                    }
                }
            }
            default -> {
                for (JsonNode sample : result) {
                    lines.add(labels(sample.path("metric")) + " " + sample.path("value").get(1).asText());
                }
            }
        }
        return lines;
    }

    /** Unix seconds with three decimals, as Log Cache writes them. */
    private static String seconds(JsonNode time) {
        return time.decimalValue().setScale(3, java.math.RoundingMode.HALF_EVEN).toPlainString();
    }

    private static String labels(JsonNode metric) {
        StringBuilder out = new StringBuilder("{");
        Iterator<Map.Entry<String, JsonNode>> fields = metric.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            out.append(out.length() > 1 ? ", " : "").append(field.getKey()).append("=\"").append(field.getValue().asText()).append('"');
        }
        return out.append('}').toString();
    }
}
