package dev.loggregator.e2e.bench;

import dev.loggregator.e2e.launcher.ManagedProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/** Reads drop counters from the components' Prometheus {@code /metrics}, to say where envelopes were lost. */
final class ComponentMetrics {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private ComponentMetrics() {
    }

    /** The sum of every sample of {@code metric} (all label sets) over the given processes; -1 if none answered. */
    static long sum(List<ManagedProcess> processes, String metric) {
        long total = -1;
        for (ManagedProcess process : processes) {
            URI health = process.spec().health();
            if (health == null) {
                continue;
            }
            try {
                String text = HTTP.send(HttpRequest.newBuilder(health.resolve("/metrics")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                for (String line : text.split("\n")) {
                    if (line.startsWith(metric + " ") || line.startsWith(metric + "{")) {
                        total = Math.max(total, 0) + (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                    }
                }
            } catch (IOException | NumberFormatException e) {
                // Not answering: leave it out.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return total;
    }
}
