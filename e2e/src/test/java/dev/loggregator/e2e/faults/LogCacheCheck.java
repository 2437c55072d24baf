package dev.loggregator.e2e.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.BitSet;

/**
 * Which numbered lines of an app Log Cache still holds ({@code /api/v1/read} through the gateway,
 * paged by timestamp): what a gap-aware client such as {@code logs tail} could fetch to fill a gap
 * in its stream. Every line has its own timestamp, so paging from the last one read misses none.
 */
final class LogCacheCheck {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final URI endpoint;
    private final String authorization;

    LogCacheCheck(HttpClient http, URI endpoint, String authorization) {
        this.http = http;
        this.endpoint = URI.create(endpoint.toString().replaceFirst("^ws", "http"));
        this.authorization = authorization;
    }

    /** The numbers of {@code app}'s lines held with timestamps in [fromNanos, toNanos) (wall clock). */
    BitSet held(String app, long fromNanos, long toNanos) {
        BitSet numbers = new BitSet();
        long start = fromNanos;
        while (true) {
            JsonNode batch = read(app, start, toNanos).path("envelopes").path("batch");
            long last = -1;
            for (JsonNode envelope : batch) {
                last = Long.parseLong(envelope.path("timestamp").asText("0"));
                String text = new String(Base64.getDecoder().decode(envelope.path("log").path("payload").asText("")),
                        StandardCharsets.UTF_8);
                int number = Arrivals.number(text);
                if (number >= 0) {
                    numbers.set(number);
                }
            }
            if (batch.size() < 1000 || last < 0) {
                return numbers;
            }
            start = last + 1;
        }
    }

    private JsonNode read(String app, long start, long end) {
        URI uri = endpoint.resolve("/api/v1/read/" + app + "?envelope_types=LOG&limit=1000&start_time=" + start
                + "&end_time=" + end);
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                    .header("Authorization", authorization).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("Log Cache read " + uri + ": " + response.statusCode() + " " + response.body());
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException("Log Cache read " + uri + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
