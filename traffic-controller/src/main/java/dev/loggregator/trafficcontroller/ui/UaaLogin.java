package dev.loggregator.trafficcontroller.ui;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loggregator.manifest.TrafficControllerSection;
import dev.loggregator.trafficcontroller.auth.AuthorizationCookie;
import dev.loggregator.trafficcontroller.auth.BearerToken;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /ui/login}: signs a person in with the UAA of {@code traffic_controller.ui.login}
 * ({@code POST {uaa}/oauth/token}, RFC 6749): {@code grant_type=password} with username and password
 * through the configured client (the cf CLI's {@code cf} by default), or
 * {@code grant_type=client_credentials} with the client id and secret typed in. The token goes
 * straight into the HttpOnly cookie and never reaches the page. Only this page's own origin may post
 * (a cross-site form cannot sign a browser in as someone else).
 */
final class UaaLogin {
    private static final Logger LOG = LoggerFactory.getLogger(UaaLogin.class);

    private final HttpClient http;
    private final TrafficControllerSection.Login login;
    private final String cookieDomain;

    UaaLogin(HttpClient http, TrafficControllerSection.Login login, String cookieDomain) {
        this.http = http;
        this.login = login;
        this.cookieDomain = cookieDomain;
    }

    boolean configured() {
        return login.uaaUrl() != null;
    }

    CompletableFuture<FullHttpResponse> answer(FullHttpRequest request, HttpRequest head) {
        if (!configured()) {
            return done(error(HttpResponseStatus.NOT_FOUND, "no_uaa", "no UAA is configured for sign-in"));
        }
        if (AuthorizationCookie.sameOrigin(request) == null) {
            return done(error(HttpResponseStatus.FORBIDDEN, "cross_origin", "sign in from this server's own page"));
        }
        String contentType = request.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
        if (!contentType.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            return done(error(HttpResponseStatus.BAD_REQUEST, "bad_request", "expected a form"));
        }
        Map<String, List<String>> form = new QueryStringDecoder(request.content().toString(StandardCharsets.UTF_8), false)
                .parameters();
        String grant = first(form, "grant_type");
        String body;
        String client;
        String secret;
        if ("password".equals(grant)) {
            body = "grant_type=password&username=" + enc(first(form, "username")) + "&password=" + enc(first(form, "password"));
            client = login.clientId();
            secret = login.clientSecret();
        } else if ("client_credentials".equals(grant)) {
            body = "grant_type=client_credentials";
            client = first(form, "client_id");
            secret = first(form, "client_secret");
        } else {
            return done(error(HttpResponseStatus.BAD_REQUEST, "bad_request", "grant_type is password or client_credentials"));
        }
        String basic = Base64.getEncoder().encodeToString(
                (enc(client) + ":" + enc(secret)).getBytes(StandardCharsets.UTF_8));
        java.net.http.HttpRequest toUaa = java.net.http.HttpRequest.newBuilder(tokenUri())
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .header("Authorization", "Basic " + basic)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))
                .build();
        return http.sendAsync(toUaa, HttpResponse.BodyHandlers.ofString())
                .handle((response, failure) -> failure != null ? unreachable(failure) : answered(head, response));
    }

    private FullHttpResponse answered(HttpRequest head, HttpResponse<String> response) {
        try {
            JsonNode json = UiResponses.JSON.readTree(response.body());
            if (response.statusCode() != 200 || !json.hasNonNull("access_token")) {
                String description = json.path("error_description").asText(json.path("error").asText("refused"));
                LOG.info("UAA sign-in refused ({}): {}", response.statusCode(), description);
                return error(HttpResponseStatus.UNAUTHORIZED, "invalid_credentials", description);
            }
            FullHttpResponse ok = UiResponses.json(HttpResponseStatus.OK, Map.of("signed_in", true));
            ok.headers().add(HttpHeaderNames.SET_COOKIE, AuthorizationCookie.encode(head, BearerToken.COOKIE_NAME,
                    "bearer " + json.get("access_token").asText(), cookieDomain));
            return ok;
        } catch (IOException e) {
            LOG.warn("UAA answered {} with a body that is not JSON", response.statusCode());
            return error(HttpResponseStatus.BAD_GATEWAY, "uaa_failed", "UAA answered " + response.statusCode());
        }
    }

    private static FullHttpResponse unreachable(Throwable failure) {
        LOG.warn("UAA unreachable for sign-in: {}", failure.toString());
        return error(HttpResponseStatus.BAD_GATEWAY, "uaa_unreachable", "the UAA could not be reached");
    }

    private URI tokenUri() {
        String base = login.uaaUrl();
        return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/oauth/token");
    }

    private static FullHttpResponse error(HttpResponseStatus status, String error, String message) {
        return UiResponses.json(status, Map.of("error", error, "message", message));
    }

    private static CompletableFuture<FullHttpResponse> done(FullHttpResponse response) {
        return CompletableFuture.completedFuture(response);
    }

    private static String first(Map<String, List<String>> form, String key) {
        List<String> values = form.get(key);
        return values == null || values.isEmpty() ? "" : values.get(0);
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
