package dev.loggregator.trafficcontroller.auth;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Asks a Cloud Controller whether a token may read an app's logs:
 * {@code GET {cc}/internal/log_access/{app}} forwarding the client's {@code Authorization}
 * header (loggregator-v1-reference §2.2). Definite answers are cached for a few seconds so a
 * reconnecting nozzle or a browser opening several sockets does not hammer the Cloud Controller;
 * failures are never cached.
 */
public final class LogAccessChecker {
    public enum Result { ALLOWED, UNAUTHORIZED, NOT_FOUND, FAILED }

    private final HttpClient http;
    private final String baseUrl;
    private final ExpiringCache<Result> cache;

    /** {@code maxCached}: answers kept at once (per token and app). */
    public LogAccessChecker(HttpClient http, String baseUrl, int cacheSeconds, int maxCached) {
        this.http = http;
        this.baseUrl = baseUrl.replaceAll("/+$", "");
        this.cache = new ExpiringCache<>(cacheSeconds * 1_000_000_000L, maxCached);
    }

    public CompletableFuture<Result> check(String authorization, String appId) {
        String key = appId + '\n' + authorization;
        long now = System.nanoTime();
        Result cached = cache.get(key, now);
        if (cached != null) {
            return CompletableFuture.completedFuture(cached);
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/internal/log_access/"
                        + URLEncoder.encode(appId, StandardCharsets.UTF_8).replace("+", "%20")))
                .timeout(Duration.ofSeconds(5))
                .header("Authorization", authorization)
                .GET().build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                .thenApply(response -> switch (response.statusCode()) {
                    case 200 -> Result.ALLOWED;
                    case 401 -> Result.UNAUTHORIZED;
                    case 403, 404 -> Result.NOT_FOUND;
                    default -> Result.FAILED;
                })
                .exceptionally(e -> Result.FAILED)
                .whenComplete((result, e) -> {
                    if (result != null && result != Result.FAILED) {
                        cache.put(key, result, now);
                    }
                });
    }
}
