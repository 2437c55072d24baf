package dev.loggregator.trafficcontroller.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;

/**
 * UAA {@code check_token} mode, as the original Traffic Controller checked firehose tokens:
 * {@code POST {uaa}/check_token} with form {@code token=...} and the TC's client credentials
 * (HTTP Basic). 200 means valid; the answer's {@code scope}, {@code exp} and {@code user_name}
 * are used. Anything else, or UAA unreachable, rejects the token.
 */
public final class UaaTokenVerifier implements TokenVerifier {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final URI checkToken;
    private final String basicAuth;

    public UaaTokenVerifier(HttpClient http, String uaaUrl, String clientId, String clientSecret) {
        this.http = http;
        this.checkToken = URI.create(uaaUrl.replaceAll("/+$", "") + "/check_token");
        this.basicAuth = "Basic " + Base64.getEncoder().encodeToString(
                (clientId + ":" + clientSecret).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public VerifiedToken verify(String token) throws InvalidTokenException {
        HttpRequest request = HttpRequest.newBuilder(checkToken)
                .timeout(Duration.ofSeconds(5))
                .header("Authorization", basicAuth)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new InvalidTokenException("UAA unreachable: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InvalidTokenException("interrupted", e);
        }
        if (response.statusCode() != 200) {
            throw new InvalidTokenException("UAA check_token answered " + response.statusCode());
        }
        try {
            JsonNode body = JSON.readTree(response.body());
            Set<String> scopes = new HashSet<>();
            body.path("scope").forEach(s -> scopes.add(s.asText()));
            long exp = body.path("exp").asLong(0);
            if (exp == 0) {
                throw new InvalidTokenException("UAA check_token answer has no exp");
            }
            Instant expiresAt = Instant.ofEpochSecond(exp);
            if (!expiresAt.isAfter(Instant.now())) {
                throw new InvalidTokenException("token expired");
            }
            String user = body.path("user_name").asText(body.path("sub").asText("?"));
            return new VerifiedToken(scopes, expiresAt, user);
        } catch (IOException e) {
            throw new InvalidTokenException("UAA check_token answer is not JSON", e);
        }
    }
}
