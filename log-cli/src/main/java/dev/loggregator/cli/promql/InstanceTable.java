package dev.loggregator.cli.promql;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.cloudfoundry.dropsonde.events.MetricFactory.ContainerMetric;

/**
 * The instance table of {@code logs metrics APP} from PromQL, as Cloud Controller gets {@code cf app}'s
 * stats from Log Cache: the gauges {@code cpu}, {@code memory}, {@code disk}, {@code memory_quota} and
 * {@code disk_quota} of the app's source id, one row per {@code instance_id}.
 */
public final class InstanceTable {
    private static final String[] METRICS = {"cpu", "memory", "disk", "memory_quota", "disk_quota"};

    private InstanceTable() {
    }

    /** The rows, by instance index; null when the endpoint does not answer PromQL (or has no cpu for the app). */
    public static List<ContainerMetric> rows(PromQLHttp promql, String app) {
        Map<Integer, ContainerMetric.Builder> rows = new TreeMap<>();
        for (String metric : METRICS) {
            JsonNode data = promql.query(metric + "{source_id=\"" + app.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}").data();
            if (data == null) {
                return null;
            }
            for (JsonNode sample : data.path("result")) {
                int instance;
                try {
                    instance = Integer.parseInt(sample.path("metric").path("instance_id").asText());
                } catch (NumberFormatException e) {
                    continue;
                }
                double value = Double.parseDouble(sample.path("value").get(1).asText());
                ContainerMetric.Builder row = rows.get(instance);
                if (row == null) {
                    if (!metric.equals("cpu")) {
                        continue;
                    }
                    row = ContainerMetric.newBuilder().setApplicationId(app).setInstanceIndex(instance);
                    rows.put(instance, row);
                }
                switch (metric) {
                    case "cpu" -> row.setCpuPercentage(value);
                    case "memory" -> row.setMemoryBytes((long) value);
                    case "disk" -> row.setDiskBytes((long) value);
                    case "memory_quota" -> row.setMemoryBytesQuota((long) value);
                    default -> row.setDiskBytesQuota((long) value);
                }
            }
            if (rows.isEmpty()) {
                return null;
            }
        }
        List<ContainerMetric> out = new ArrayList<>(rows.size());
        rows.values().forEach(row -> out.add(row.build()));
        return out;
    }
}
