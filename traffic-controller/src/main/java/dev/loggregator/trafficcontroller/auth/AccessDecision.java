package dev.loggregator.trafficcontroller.auth;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Instant;

/**
 * The answer to "may this request proceed": either allowed (with the token's expiry, so a stream
 * can be closed when it runs out; null when access control is off) or the exact refusal the
 * original sends (status, body, and whether to add {@code WWW-Authenticate: Basic}).
 */
public record AccessDecision(HttpResponseStatus status, String body, boolean challenge, Instant expiresAt, String user) {

    public static AccessDecision allowed(Instant expiresAt, String user) {
        return new AccessDecision(HttpResponseStatus.OK, "", false, expiresAt, user);
    }

    public static AccessDecision unauthorized(String body) {
        return new AccessDecision(HttpResponseStatus.UNAUTHORIZED, body, true, null, null);
    }

    public static AccessDecision refused(HttpResponseStatus status) {
        return new AccessDecision(status, "", false, null, null);
    }

    public boolean isAllowed() {
        return status.code() == 200;
    }
}
