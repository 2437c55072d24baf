package dev.loggregator.doppler.drains.format;

import java.net.URLDecoder;
import java.util.HashMap;
import java.util.Map;

/**
 * A drain URL's query options, read as the agent's {@code binding_config.go} reads them:
 * {@code drain-type} ({@code logs}, {@code metrics}, {@code all}), then {@code drain-data}
 * ({@code logs}, {@code metrics}, {@code traces}, {@code all}), which wins, then
 * {@code include-metrics-deprecated} (any value: everything); {@code disable-metadata} (or
 * {@code omit-metadata}) {@code =true} drops the tags SD element when the operator's default keeps
 * it, {@code =false} keeps it when the default drops it; {@code ssl-strict-internal=true} makes a
 * TLS drain use the Doppler's own certificates and CA.
 */
public record DrainOptions(DrainData data, boolean omitMetadata, boolean internalTls) {

    public static DrainOptions parse(String rawQuery, boolean defaultDrainMetadata) {
        Map<String, String> query = firstValues(rawQuery);
        DrainData data = DrainData.LOGS;
        switch (query.getOrDefault("drain-type", "")) {
            case "logs" -> data = DrainData.LOGS_NO_EVENTS;
            case "metrics" -> data = DrainData.METRICS;
            case "all" -> data = DrainData.LOGS_AND_METRICS;
            default -> { }
        }
        switch (query.getOrDefault("drain-data", "")) {
            case "logs" -> data = DrainData.LOGS;
            case "metrics" -> data = DrainData.METRICS;
            case "traces" -> data = DrainData.TRACES;
            case "all" -> data = DrainData.ALL;
            default -> { }
        }
        if (!query.getOrDefault("include-metrics-deprecated", "").isEmpty()) {
            data = DrainData.ALL;
        }
        String metadata = query.getOrDefault("disable-metadata", "");
        if (metadata.isEmpty()) {
            metadata = query.getOrDefault("omit-metadata", "");
        }
        boolean omit;
        if (defaultDrainMetadata && metadata.equals("true")) {
            omit = true;
        } else if (!defaultDrainMetadata && metadata.equals("false")) {
            omit = false;
        } else {
            omit = !defaultDrainMetadata;
        }
        return new DrainOptions(data, omit, "true".equals(query.get("ssl-strict-internal")));
    }

    /**
     * Go's {@code url.Query().Get}: the first value of each key, {@code +} and percent escapes
     * decoded; a pair with a semicolon or a bad escape is skipped, as Go skips it.
     */
    private static Map<String, String> firstValues(String rawQuery) {
        Map<String, String> values = new HashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return values;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty() || pair.indexOf(';') >= 0) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            try {
                values.putIfAbsent(URLDecoder.decode(key, java.nio.charset.StandardCharsets.UTF_8),
                        URLDecoder.decode(value, java.nio.charset.StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                // a bad percent escape: Go drops the pair and keeps the rest
            }
        }
        return values;
    }
}
