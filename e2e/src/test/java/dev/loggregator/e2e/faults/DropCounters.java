package dev.loggregator.e2e.faults;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The drop counters of every component's Prometheus {@code /metrics}: the Doppler's
 * {@code doppler_dropped_envelopes_total{reason}} and the Traffic Controller's
 * {@code doppler_proxy_dropped_total}, summed per reason over the components.
 */
final class DropCounters {
    private static final Pattern SAMPLE = Pattern.compile(
            "^(doppler_dropped_envelopes_total|doppler_proxy_dropped_total)(\\{[^}]*})?\\s+([0-9.eE+-]+)$");
    private static final Pattern REASON = Pattern.compile("reason=\"([^\"]*)\"");

    private DropCounters() {
    }

    /** {@code component/reason} to count, from every component that answers now. */
    static Map<String, Long> read(HttpClient http, Map<String, URI> metrics) {
        Map<String, Long> counts = new TreeMap<>();
        metrics.forEach((component, uri) -> {
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(3)).build(),
                        HttpResponse.BodyHandlers.ofString());
                for (String line : response.body().split("\n")) {
                    Matcher sample = SAMPLE.matcher(line);
                    if (sample.matches()) {
                        Matcher reason = REASON.matcher(sample.group(2) == null ? "" : sample.group(2));
                        String key = component + "/" + (reason.find() ? reason.group(1) : "proxy");
                        counts.merge(key, (long) Double.parseDouble(sample.group(3)), Long::sum);
                    }
                }
            } catch (IOException e) {
                // Down right now: its counters start again when it is back.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return counts;
    }

    /** Each Traffic Controller's open client streams per endpoint (where the gateway put the consumers), for the log. */
    static String placement(HttpClient http, Map<String, URI> metrics) {
        StringBuilder placement = new StringBuilder();
        metrics.forEach((component, uri) -> {
            if (!component.startsWith("traffic-controller")) {
                return;
            }
            placement.append(component).append(':');
            try {
                String body = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(3)).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                for (String line : body.split("\n")) {
                    if (line.startsWith("doppler_proxy_streams{") && !line.endsWith(" 0.0")) {
                        placement.append(' ').append(line.substring("doppler_proxy_streams".length()));
                    }
                }
            } catch (IOException e) {
                placement.append(" down");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            placement.append("; ");
        });
        return placement.toString();
    }

    /** Drops per reason between two readings; a component restarted meanwhile counts from zero. */
    static Map<String, Long> since(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> perReason = new TreeMap<>();
        after.forEach((key, value) -> {
            long delta = value - before.getOrDefault(key, 0L);
            long counted = delta < 0 ? value : delta;
            if (counted > 0) {
                perReason.merge(key.substring(key.indexOf('/') + 1), counted, Long::sum);
            }
        });
        return perReason;
    }
}
