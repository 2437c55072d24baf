package dev.loggregator.e2e.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@code /v2/read} consumer as go-loggregator's RLP gateway client reads it: Server-Sent Events
 * whose {@code data:} lines are {@code {"batch":[...]}} of protojson envelopes; its connections
 * share one shard id.
 */
final class V2ReadConsumer extends Consumer {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final URI uri;
    private final String authorization;
    private final Set<InputStream> open = ConcurrentHashMap.newKeySet();

    V2ReadConsumer(Ledger ledger, HttpClient http, URI endpoint, String shardId, int connections, String authorization) {
        super("/v2/read", new Arrivals(ledger), -1, connections);
        this.http = http;
        this.uri = URI.create(endpoint.toString().replaceFirst("^ws", "http") + "/v2/read?log&shard_id=" + shardId);
        this.authorization = authorization;
    }

    @Override
    protected void readUntilTheStreamEnds(Runnable opened, BooleanSupplier running) {
        HttpRequest request = HttpRequest.newBuilder(uri).version(HttpClient.Version.HTTP_1_1)
                .timeout(Duration.ofSeconds(10)).header("Authorization", authorization).GET().build();
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        InputStream body = response.body();
        open.add(body);
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            if (response.statusCode() != 200) {
                return;
            }
            opened.run();
            String line;
            while (running.getAsBoolean() && (line = lines.readLine()) != null) {
                if (line.startsWith("data:")) {
                    batch(JSON.readTree(line.substring(5)));
                }
            }
        } catch (IOException e) {
            // The connection broke: reconnect.
        } finally {
            open.remove(body);
        }
    }

    private void batch(JsonNode data) {
        for (JsonNode envelope : data.path("batch")) {
            JsonNode log = envelope.get("log");
            if (log != null) {
                String text = new String(Base64.getDecoder().decode(log.path("payload").asText("")), StandardCharsets.UTF_8);
                int number = Arrivals.number(text);
                if (number >= 0) {
                    arrivals().line(envelope.path("source_id").asText(), number);
                } else if (envelope.path("tags").path("source_type").asText().equals("LGR")) {
                    arrivals().notice(text);
                }
            } else if (envelope.path("counter").path("name").asText().equals("TruncatingBuffer.DroppedMessages")) {
                arrivals().notice("TruncatingBuffer.DroppedMessages delta " + envelope.path("counter").path("delta").asText());
            }
        }
    }

    @Override
    protected void abortConnections() {
        for (InputStream body : open) {
            try {
                body.close();
            } catch (IOException e) {
                // Closing anyway.
            }
        }
    }
}
