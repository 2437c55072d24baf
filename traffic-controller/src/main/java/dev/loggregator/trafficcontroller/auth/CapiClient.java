package dev.loggregator.trafficcontroller.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Log Cache's Cloud Controller checks (log-cache-release {@code internal/auth/capi_client.go}): a user
 * may read a source id when {@code GET /v3/apps/<id>} or else {@code GET /v3/service_instances/<id>}
 * answers 200 to their token; the sources a user may list are the GUIDs of {@code GET /v3/apps} and
 * {@code /v3/service_instances} ({@code per_page=5000}, following {@code pagination.next}). Positive
 * answers are cached per token and source for the cache time; failures are never cached.
 */
public final class CapiClient {
    /** Pages followed at most when listing, so a misbehaving Cloud Controller cannot keep us looping. */
    private static final int MAX_PAGES = 100;
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9._-]+");

    private final HttpClient http;
    private final String baseUrl;
    private final ObjectMapper json = new ObjectMapper();
    private final ExpiringCache<Boolean> allowed;

    /** {@code maxCached}: answers kept at once (per token and source; when full, the expired go first, then all). */
    public CapiClient(HttpClient http, String baseUrl, int cacheSeconds, int maxCached) {
        this.http = http;
        this.baseUrl = baseUrl.replaceAll("/+$", "");
        this.allowed = new ExpiringCache<>(cacheSeconds * 1_000_000_000L, maxCached);
    }

    /** Whether the token may read {@code sourceId}. */
    public CompletableFuture<Boolean> isAuthorized(String sourceId, String authorization) {
        // Anything but a plain id cannot be an app or service instance GUID, and must not reach a URL path.
        if (!SAFE_ID.matcher(sourceId).matches()) {
            return CompletableFuture.completedFuture(false);
        }
        String key = sourceId + '\n' + authorization;
        long now = System.nanoTime();
        if (allowed.get(key, now) != null) {
            return CompletableFuture.completedFuture(true);
        }
        return found("/v3/apps/" + sourceId, authorization)
                .thenCompose(app -> app ? CompletableFuture.completedFuture(true)
                        : found("/v3/service_instances/" + sourceId, authorization))
                .whenComplete((ok, e) -> {
                    if (Boolean.TRUE.equals(ok)) {
                        allowed.put(key, true, now);
                    }
                });
    }

    /** The GUIDs of every app and service instance the token can see. */
    public CompletableFuture<Set<String>> availableSourceIds(String authorization) {
        return list("/v3/apps", authorization).thenCombine(list("/v3/service_instances", authorization), (apps, services) -> {
            Set<String> ids = new HashSet<>(apps);
            ids.addAll(services);
            return ids;
        });
    }

    /**
     * App GUIDs by app name, for names a PromQL query puts in {@code source_id} (log-cache-release
     * {@code GetRelatedSourceIds}): {@code GET /v3/apps?names=a,b&per_page=5000}, paged; empty on any failure.
     */
    public CompletableFuture<Map<String, List<String>>> appGuidsByName(Collection<String> names, String authorization) {
        Map<String, List<String>> guids = new LinkedHashMap<>();
        if (names.isEmpty()) {
            return CompletableFuture.completedFuture(guids);
        }
        String query = "names=" + URLEncoder.encode(String.join(",", names), StandardCharsets.UTF_8) + "&per_page=5000";
        return page(URI.create(baseUrl + "/v3/apps?" + query), authorization, resource -> {
            if (resource.hasNonNull("guid") && resource.hasNonNull("name")) {
                guids.computeIfAbsent(resource.get("name").asText(), n -> new ArrayList<>()).add(resource.get("guid").asText());
            }
        }, 0).thenApply(complete -> complete ? guids : Map.<String, List<String>>of());
    }

    private CompletableFuture<Boolean> found(String path, String authorization) {
        return http.sendAsync(request(URI.create(baseUrl + path), authorization), HttpResponse.BodyHandlers.discarding())
                .thenApply(response -> response.statusCode() == 200)
                .exceptionally(e -> false);
    }

    private CompletableFuture<List<String>> list(String path, String authorization) {
        List<String> ids = new ArrayList<>();
        return page(URI.create(baseUrl + path + "?per_page=5000"), authorization, resource -> {
            if (resource.hasNonNull("guid")) {
                ids.add(resource.get("guid").asText());
            }
        }, 0).thenApply(complete -> ids);
    }

    /** Follows the pages of a v3 list, handing each resource over; completes with whether every page was read. */
    private CompletableFuture<Boolean> page(URI uri, String authorization, Consumer<JsonNode> resources, int pages) {
        return http.sendAsync(request(uri, authorization), HttpResponse.BodyHandlers.ofString()).thenCompose(response -> {
            if (response.statusCode() != 200) {
                return CompletableFuture.completedFuture(false);
            }
            try {
                JsonNode body = json.readTree(response.body());
                for (JsonNode resource : body.path("resources")) {
                    resources.accept(resource);
                }
                String next = body.path("pagination").path("next").path("href").asText(null);
                if (next == null || next.isEmpty() || pages + 1 >= MAX_PAGES) {
                    return CompletableFuture.completedFuture(true);
                }
                return page(URI.create(next), authorization, resources, pages + 1);
            } catch (java.io.IOException | IllegalArgumentException e) {
                return CompletableFuture.completedFuture(false);
            }
        }).exceptionally(e -> false);
    }

    private static HttpRequest request(URI uri, String authorization) {
        return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5))
                .header("Authorization", authorization).GET().build();
    }
}
