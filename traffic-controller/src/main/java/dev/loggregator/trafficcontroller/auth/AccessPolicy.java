package dev.loggregator.trafficcontroller.auth;

import dev.loggregator.logging.BadInput;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may read what (loggregator-v1-reference §2.2, §2.3). Firehose: a valid token with scope
 * {@code doppler.firehose}, else 401 with the original's body texts. App endpoints: a valid token
 * with an admin scope, or one the Cloud Controller's log-access check admits; its 401 maps to 401,
 * 403/404 to 404 (an app you may not see does not exist), anything else to 500.
 */
public final class AccessPolicy {
    public static final String FIREHOSE_SCOPE = "doppler.firehose";
    public static final String NOT_PROVIDED = "You are not authorized. Error: Authorization not provided";
    public static final String INVALID = "You are not authorized. Error: Invalid authorization";
    private static final Logger LOG = LoggerFactory.getLogger(AccessPolicy.class);

    private final boolean disabled;
    private final TokenVerifier verifier;
    private final LogAccessChecker logAccess;
    private final List<String> adminScopes;
    private final Executor executor;

    /** {@code logAccess} may be null: then only admin scopes grant app access. */
    public AccessPolicy(boolean disabled, TokenVerifier verifier, LogAccessChecker logAccess,
                        List<String> adminScopes, Executor executor) {
        this.disabled = disabled;
        this.verifier = verifier;
        this.logAccess = logAccess;
        this.adminScopes = List.copyOf(adminScopes);
        this.executor = executor;
    }

    public CompletableFuture<AccessDecision> firehose(String authorization) {
        if (disabled) {
            return CompletableFuture.completedFuture(AccessDecision.allowed(null, "anonymous"));
        }
        if (authorization == null) {
            return CompletableFuture.completedFuture(AccessDecision.unauthorized(NOT_PROVIDED));
        }
        String bearer = BearerToken.strip(authorization);
        if (bearer == null) {
            LOG.info(BadInput.MARKER, "firehose refused: not a bearer token");
            return CompletableFuture.completedFuture(AccessDecision.unauthorized(INVALID));
        }
        return CompletableFuture.supplyAsync(() -> {
            try {
                VerifiedToken token = verifier.verify(bearer);
                if (!token.hasScope(FIREHOSE_SCOPE)) {
                    LOG.info(BadInput.MARKER, "firehose refused for {}: no {} scope", token.user(), FIREHOSE_SCOPE);
                    return AccessDecision.unauthorized(INVALID);
                }
                return AccessDecision.allowed(token.expiresAt(), token.user());
            } catch (InvalidTokenException e) {
                LOG.info(BadInput.MARKER, "firehose refused: {}", e.getMessage());
                return AccessDecision.unauthorized(INVALID);
            }
        }, executor);
    }

    public CompletableFuture<AccessDecision> app(String authorization, String appId) {
        if (disabled) {
            return CompletableFuture.completedFuture(AccessDecision.allowed(null, "anonymous"));
        }
        if (authorization == null) {
            return CompletableFuture.completedFuture(AccessDecision.unauthorized(""));
        }
        String bearer = BearerToken.strip(authorization);
        if (bearer == null) {
            LOG.info(BadInput.MARKER, "app {} refused: not a bearer token", appId);
            return CompletableFuture.completedFuture(AccessDecision.unauthorized(""));
        }
        return CompletableFuture.supplyAsync(() -> {
            try {
                return verifier.verify(bearer);
            } catch (InvalidTokenException e) {
                LOG.info(BadInput.MARKER, "app {} refused: {}", appId, e.getMessage());
                return null;
            }
        }, executor).thenCompose(token -> {
            if (token == null) {
                return CompletableFuture.completedFuture(AccessDecision.unauthorized(""));
            }
            if (token.hasAnyScope(adminScopes)) {
                return CompletableFuture.completedFuture(AccessDecision.allowed(token.expiresAt(), token.user()));
            }
            if (logAccess == null) {
                return CompletableFuture.completedFuture(AccessDecision.refused(HttpResponseStatus.NOT_FOUND));
            }
            return logAccess.check(authorization, appId).thenApply(result -> switch (result) {
                case ALLOWED -> AccessDecision.allowed(token.expiresAt(), token.user());
                case UNAUTHORIZED -> AccessDecision.unauthorized("");
                case NOT_FOUND -> AccessDecision.refused(HttpResponseStatus.NOT_FOUND);
                case FAILED -> AccessDecision.refused(HttpResponseStatus.INTERNAL_SERVER_ERROR);
            });
        });
    }
}
