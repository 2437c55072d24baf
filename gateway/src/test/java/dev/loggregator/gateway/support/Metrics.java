package dev.loggregator.gateway.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Reads the gateway's admin endpoints. */
public final class Metrics {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private Metrics() {
    }

    public static HttpResponse<String> get(int adminPort, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The value of one sample line, e.g. {@code gateway_backend_dead{backend="127.0.0.1:1"}}; 0 when absent. */
    public static double value(int adminPort, String sample) {
        for (String line : get(adminPort, "/metrics").body().split("\n")) {
            if (line.startsWith(sample + " ")) {
                return Double.parseDouble(line.substring(sample.length() + 1).trim());
            }
        }
        return 0;
    }
}
