package dev.loggregator.cli.format;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.cloudfoundry.dropsonde.events.MetricFactory.ContainerMetric;

/**
 * Container metrics as the cf CLI's instance table ({@code cf app}): one row per instance, sorted
 * by index, with memory and disk against their quotas.
 * <pre>
 * instance   cpu     memory         disk
 * #0         1.5%    25.5M of 1G    120.1M of 1G
 * </pre>
 */
public final class MetricsTable {
    private MetricsTable() {
    }

    public static List<String> lines(List<ContainerMetric> metrics) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"instance", "cpu", "memory", "disk"});
        metrics.stream()
                .sorted(java.util.Comparator.comparingInt(ContainerMetric::getInstanceIndex))
                .forEach(metric -> rows.add(new String[] {
                    "#" + metric.getInstanceIndex(),
                    String.format(Locale.ROOT, "%.1f%%", metric.getCpuPercentage()),
                    ofQuota(metric.getMemoryBytes(), metric.getMemoryBytesQuota()),
                    ofQuota(metric.getDiskBytes(), metric.getDiskBytesQuota())}));
        int[] widths = new int[4];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        List<String> lines = new ArrayList<>(rows.size());
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(row[i]);
                if (i < row.length - 1) {
                    line.append(" ".repeat(widths[i] - row[i].length() + 3));
                }
            }
            lines.add(line.toString());
        }
        return lines;
    }

    private static String ofQuota(long used, long quota) {
        return quota == 0 ? ByteSize.format(used) : ByteSize.format(used) + " of " + ByteSize.format(quota);
    }
}
