package dev.loggregator.e2e.launcher;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Asks a component's {@code /health}; any answer other than 200 (or none) means not ready. */
public final class HealthProbe {
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(1))
            .build();

    private HealthProbe() {
    }

    /** The HTTP status, or -1 when nothing answered. */
    public static int status(URI health) {
        try {
            HttpRequest request = HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(2)).GET().build();
            return CLIENT.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    public static boolean healthy(URI health) {
        return status(health) == 200;
    }

    /**
     * 200 from process {@code pid} itself ({@code X-Process-Id}): while a new gateway takes the
     * admin port over, the old one may still be the one that answers.
     */
    public static boolean healthyAs(URI health, long pid) {
        try {
            HttpRequest request = HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(2)).GET().build();
            HttpResponse<Void> response = CLIENT.send(request, HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200
                    && response.headers().firstValue("X-Process-Id").orElse("").equals(Long.toString(pid));
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
