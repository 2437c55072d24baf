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
    /** Scopes that may read every source of the v2 APIs, as the RLP gateway and Log Cache decide. */
    public static final List<String> V2_ADMIN_SCOPES = List.of(FIREHOSE_SCOPE, "logs.admin");
    private static final java.util.regex.Pattern GUID =
            java.util.regex.Pattern.compile("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
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

    public boolean accessControlDisabled() {
        return disabled;
    }

    /** Whose token an allowed request counts against; nobody's when access control is off (every client is "anonymous"). */
    public String tokenOwner(AccessDecision decision) {
        return disabled ? null : decision.user();
    }

    /**
     * The token behind an authorization value, verified off the event loop (the web viewer asks who is
     * signed in); fails with {@link InvalidTokenException}. Not for access decisions: use the methods below.
     */
    public CompletableFuture<VerifiedToken> verify(String authorization) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return verifier.verify(BearerToken.strip(authorization));
            } catch (InvalidTokenException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, executor);
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

    /**
     * Operator views across apps (every app's syslog drains): a valid token with an admin scope
     * ({@code auth.admin_scopes}); 401 without a valid token, 403 for a valid one without the scope.
     */
    public CompletableFuture<AccessDecision> operator(String authorization) {
        if (disabled) {
            return CompletableFuture.completedFuture(AccessDecision.allowed(null, "anonymous"));
        }
        if (authorization == null) {
            return CompletableFuture.completedFuture(AccessDecision.unauthorized(NOT_PROVIDED));
        }
        return CompletableFuture.supplyAsync(() -> {
            try {
                VerifiedToken token = verifier.verify(BearerToken.strip(authorization));
                if (!token.hasAnyScope(adminScopes)) {
                    LOG.info("operator view refused for {}: none of {}", token.user(), adminScopes);
                    return AccessDecision.refused(HttpResponseStatus.FORBIDDEN);
                }
                return AccessDecision.allowed(token.expiresAt(), token.user());
            } catch (InvalidTokenException e) {
                LOG.info("operator view refused: {}", e.getMessage());
                return AccessDecision.unauthorized(INVALID);
            }
        }, executor);
    }

    /**
     * The v2 APIs' rule (RLP gateway {@code cf_auth_middleware.go}): a token with
     * {@link #V2_ADMIN_SCOPES} reads anything, with or without source ids; any other token must name
     * at least one source id, each a GUID its holder may read (the log-access check). Every refusal
     * is a plain 404, so a client cannot tell a missing app from a forbidden one.
     */
    public CompletableFuture<AccessDecision> sources(String authorization, List<String> sourceIds) {
        if (disabled) {
            return CompletableFuture.completedFuture(AccessDecision.allowed(null, "anonymous"));
        }
        AccessDecision notFound = AccessDecision.refused(HttpResponseStatus.NOT_FOUND);
        if (authorization == null || authorization.isEmpty()) {
            return CompletableFuture.completedFuture(notFound);
        }
        return CompletableFuture.supplyAsync(() -> {
            try {
                return verifier.verify(BearerToken.strip(authorization));
            } catch (InvalidTokenException e) {
                LOG.info("v2 read refused: {}", e.getMessage());
                return null;
            }
        }, executor).thenCompose(token -> {
            if (token == null) {
                return CompletableFuture.completedFuture(notFound);
            }
            AccessDecision allowed = AccessDecision.allowed(token.expiresAt(), token.user());
            if (token.hasAnyScope(V2_ADMIN_SCOPES)) {
                return CompletableFuture.completedFuture(allowed);
            }
            if (sourceIds.isEmpty() || logAccess == null || !sourceIds.stream().allMatch(id -> GUID.matcher(id).matches())) {
                return CompletableFuture.completedFuture(notFound);
            }
            CompletableFuture<AccessDecision> all = CompletableFuture.completedFuture(allowed);
            for (String sourceId : sourceIds) {
                all = all.thenCompose(sofar -> !sofar.isAllowed() ? CompletableFuture.completedFuture(sofar)
                        : logAccess.check(authorization, sourceId).thenApply(result ->
                                result == LogAccessChecker.Result.ALLOWED ? sofar : notFound));
            }
            return all;
        });
    }
}
