package dev.loggregator.e2e.client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * A client of the public v1 logging endpoint: the HTTP endpoints ({@code recentlogs},
 * {@code containermetrics}) and the WebSocket ones (firehose, app stream), over ws/http or wss/https.
 */
public final class LogEndpointClient {
    private final HttpClient http;
    private final URI endpoint;

    /** @param endpoint {@code ws://host:port} or {@code wss://host:port} */
    public LogEndpointClient(HttpClient http, URI endpoint) {
        this.http = http;
        this.endpoint = endpoint;
    }

    public URI endpoint() {
        return endpoint;
    }

    public HttpClient http() {
        return http;
    }

    /** An HTTP answer; {@code envelopes} is empty unless it was a multipart body. */
    public record Answer(int status, String contentType, byte[] body, List<byte[]> envelopes) {
        public String text() {
            return new String(body, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    public Answer recentLogs(String appId, String authorization) {
        return get("/apps/" + appId + "/recentlogs", authorization);
    }

    public Answer containerMetrics(String appId, String authorization) {
        return get("/apps/" + appId + "/containermetrics", authorization);
    }

    public Answer get(String path, String authorization) {
        String scheme = endpoint.getScheme().equals("wss") ? "https" : "http";
        HttpRequest.Builder request = HttpRequest.newBuilder(
                URI.create(scheme + "://" + endpoint.getRawAuthority() + path)).timeout(Duration.ofSeconds(30)).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            String contentType = response.headers().firstValue("Content-Type").orElse("");
            List<byte[]> envelopes = response.statusCode() == 200
                    ? MultipartBody.boundary(contentType).map(b -> MultipartBody.parts(response.body(), b)).orElse(List.of())
                    : List.of();
            return new Answer(response.statusCode(), contentType, response.body(), envelopes);
        } catch (IOException e) {
            throw new StreamFailedException("GET " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StreamFailedException("interrupted", e);
        }
    }

    public EnvelopeStream firehose(String subscriptionId, String authorization, Consumer<byte[]> onEnvelope) {
        return EnvelopeStream.open(http, endpoint.resolve("/firehose/" + subscriptionId), authorization, onEnvelope);
    }

    public EnvelopeStream stream(String appId, String authorization, Consumer<byte[]> onEnvelope) {
        return EnvelopeStream.open(http, endpoint.resolve("/apps/" + appId + "/stream"), authorization, onEnvelope);
    }
}
