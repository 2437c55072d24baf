package dev.loggregator.trafficcontroller.ui;

import com.nimbusds.jwt.JWTParser;
import dev.loggregator.trafficcontroller.auth.AccessPolicy;
import dev.loggregator.trafficcontroller.auth.BearerToken;
import dev.loggregator.trafficcontroller.auth.VerifiedToken;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.text.ParseException;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * {@code GET /ui/session}: who the token in the request (the HttpOnly cookie the page cannot read)
 * belongs to, its scopes and expiry, and whether it may read the firehose; or {@code signed_in: false}
 * saying whether it is missing, expired or invalid, so the page can say which and ask again. The expired case is read from
 * the token's own {@code exp} after verification failed: it decides only what the page says.
 */
final class SessionEndpoint {
    private final AccessPolicy policy;

    SessionEndpoint(AccessPolicy policy) {
        this.policy = policy;
    }

    CompletableFuture<FullHttpResponse> answer(HttpRequest request) {
        if (policy.accessControlDisabled()) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("signed_in", true);
            body.put("user", "anonymous");
            body.put("scopes", new String[0]);
            body.put("firehose", true);
            body.put("expires_at", null);
            body.put("access_control", false);
            return CompletableFuture.completedFuture(UiResponses.json(HttpResponseStatus.OK, body));
        }
        String authorization = BearerToken.authorization(request);
        if (authorization == null) {
            return CompletableFuture.completedFuture(refused("missing", "not signed in"));
        }
        return policy.verify(authorization).handle((token, error) -> error == null ? signedIn(token)
                : refused(expired(authorization) ? "expired" : "invalid", rootMessage(error)));
    }

    private static FullHttpResponse signedIn(VerifiedToken token) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("signed_in", true);
        body.put("user", token.user());
        body.put("scopes", new TreeSet<>(token.scopes()));
        body.put("firehose", token.hasAnyScope(AccessPolicy.V2_ADMIN_SCOPES));
        body.put("expires_at", token.expiresAt() == null ? null : token.expiresAt().toEpochMilli());
        body.put("access_control", true);
        return UiResponses.json(HttpResponseStatus.OK, body);
    }

    private static FullHttpResponse refused(String reason, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("signed_in", false);
        body.put("reason", reason);
        body.put("message", message);
        // 200, not 401: "not signed in" is an answer the page expects, not a failed request for the console.
        return UiResponses.json(HttpResponseStatus.OK, body);
    }

    private static boolean expired(String authorization) {
        String token = BearerToken.strip(authorization);
        if (token == null) {
            return false; // not a bearer token at all
        }
        try {
            Date exp = JWTParser.parse(token).getJWTClaimsSet().getExpirationTime();
            return exp != null && exp.toInstant().isBefore(Instant.now());
        } catch (ParseException e) {
            return false;
        }
    }

    private static String rootMessage(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && cause instanceof java.util.concurrent.CompletionException) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.toString() : cause.getMessage();
    }
}
