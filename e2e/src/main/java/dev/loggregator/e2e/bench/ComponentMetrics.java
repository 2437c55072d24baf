package dev.loggregator.e2e.bench;

import dev.loggregator.e2e.launcher.ManagedProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/** Reads drop counters from the components' Prometheus {@code /metrics}, to say where envelopes were lost. */
final class ComponentMetrics {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private ComponentMetrics() {
    }

    /** The sum of every sample of {@code metric} (all label sets) over the given processes; -1 if none answered. */
    static long sum(List<ManagedProcess> processes, String metric) {
        return sumLines(processes, line -> line.startsWith(metric + " ") || line.startsWith(metric + "{"));
    }

    /**
     * The sum of every sample whose line starts with {@code prefix} (a metric name and the start of its labels, e.g.
     * {@code name{app="x",}) over the given processes; -1 if none answered.
     */
    static long sumStartingWith(List<ManagedProcess> processes, String prefix) {
        return sumLines(processes, line -> line.startsWith(prefix));
    }

    /**
     * Per value of {@code label}, the sum of {@code metric}'s samples over the given processes (e.g. drops per reason);
     * empty if none answered.
     */
    static Map<String, Long> sumByLabel(List<ManagedProcess> processes, String metric, String label) {
        Map<String, Long> sums = new TreeMap<>();
        String start = label + "=\"";
        for (String line : metricLines(processes)) {
            if (!line.startsWith(metric + "{")) {
                continue;
            }
            int at = line.indexOf(start);
            if (at < 0) {
                continue;
            }
            String value = line.substring(at + start.length(), line.indexOf('"', at + start.length()));
            sums.merge(value, (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)), Long::sum);
        }
        return sums;
    }

    private static long sumLines(List<ManagedProcess> processes, Predicate<String> wanted) {
        long total = -1;
        for (String line : metricLines(processes)) {
            if (wanted.test(line)) {
                try {
                    total = Math.max(total, 0) + (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                } catch (NumberFormatException e) {
                    // Not a sample: leave it out.
                }
            }
        }
        return total;
    }

    /** Every line of the processes' {@code /metrics} that answered. */
    private static List<String> metricLines(List<ManagedProcess> processes) {
        List<String> lines = new ArrayList<>();
        for (ManagedProcess process : processes) {
            URI health = process.spec().health();
            if (health == null) {
                continue;
            }
            try {
                String text = HTTP.send(HttpRequest.newBuilder(health.resolve("/metrics")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                lines.addAll(List.of(text.split("\n")));
            } catch (IOException e) {
                // Not answering: leave it out.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return lines;
    }
}
