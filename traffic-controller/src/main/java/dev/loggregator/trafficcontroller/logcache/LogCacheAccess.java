package dev.loggregator.trafficcontroller.logcache;

import dev.loggregator.trafficcontroller.auth.AccessPolicy;
import dev.loggregator.trafficcontroller.auth.BearerToken;
import dev.loggregator.trafficcontroller.auth.CapiClient;
import dev.loggregator.trafficcontroller.auth.InvalidTokenException;
import dev.loggregator.trafficcontroller.auth.TokenVerifier;
import dev.loggregator.trafficcontroller.auth.VerifiedToken;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may read what from Log Cache (log-cache-release {@code internal/auth/cf_auth_middleware.go}):
 * a valid token with {@code doppler.firehose} or {@code logs.admin} reads every source; any other
 * valid token reads the sources the Cloud Controller says it can see ({@link CapiClient}). Callers
 * answer every refusal with a 404 and an empty body, as Log Cache does.
 */
public final class LogCacheAccess {
    /** What a caller may list: every source, or only {@code sourceIds}. */
    public record Readable(boolean all, Set<String> sourceIds) {
        public boolean includes(String sourceId) {
            return all || sourceIds.contains(sourceId);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(LogCacheAccess.class);

    private final boolean disabled;
    private final TokenVerifier verifier;
    private final CapiClient capi;
    private final Executor executor;

    /** {@code capi} may be null: then only admin tokens read anything. */
    public LogCacheAccess(boolean disabled, TokenVerifier verifier, CapiClient capi, Executor executor) {
        this.disabled = disabled;
        this.verifier = verifier;
        this.capi = capi;
        this.executor = executor;
    }

    public CompletableFuture<Boolean> mayRead(String authorization, String sourceId) {
        return token(authorization).thenCompose(token -> {
            if (token == null) {
                return CompletableFuture.completedFuture(false);
            }
            if (isAdmin(token) || disabled) {
                return CompletableFuture.completedFuture(true);
            }
            return capi == null ? CompletableFuture.completedFuture(false) : capi.isAuthorized(sourceId, authorization);
        });
    }

    /** For PromQL: whether the caller reads every source (an admin scope, or access control off); null when the token is refused. */
    public CompletableFuture<Boolean> admin(String authorization) {
        return token(authorization).thenApply(token -> token == null ? null : disabled || isAdmin(token));
    }

    /** For PromQL: whether a caller already verified as no admin may read {@code sourceId}, as the Cloud Controller says. */
    public CompletableFuture<Boolean> userMayRead(String sourceId, String authorization) {
        return capi == null ? CompletableFuture.completedFuture(false) : capi.isAuthorized(sourceId, authorization);
    }

    /** The Cloud Controller client; null when none is configured. */
    public CapiClient capi() {
        return capi;
    }

    /** The sources a caller may list; null when the token is refused. */
    public CompletableFuture<Readable> readable(String authorization) {
        return token(authorization).thenCompose(token -> {
            if (token == null) {
                return CompletableFuture.completedFuture(null);
            }
            if (isAdmin(token) || disabled) {
                return CompletableFuture.completedFuture(new Readable(true, Set.of()));
            }
            return capi == null ? CompletableFuture.completedFuture(new Readable(false, Set.of()))
                    : capi.availableSourceIds(authorization).thenApply(ids -> new Readable(false, ids));
        });
    }

    /** The verified token; null when it is missing or invalid. Access control off: a token that grants nothing in itself. */
    private CompletableFuture<VerifiedToken> token(String authorization) {
        if (disabled) {
            return CompletableFuture.completedFuture(new VerifiedToken(Set.of(), null, "anonymous"));
        }
        if (authorization == null || authorization.isBlank()) {
            return CompletableFuture.completedFuture(null);
        }
        String bearer = BearerToken.strip(authorization);
        VerifiedToken known = verifier.cached(bearer);
        if (known != null) {
            return CompletableFuture.completedFuture(known); // no hop to the auth pool for a token seen just now
        }
        return CompletableFuture.supplyAsync(() -> {
            try {
                return verifier.verify(bearer);
            } catch (InvalidTokenException e) {
                LOG.info("Log Cache read refused: {}", e.getMessage());
                return null;
            }
        }, executor);
    }

    private static boolean isAdmin(VerifiedToken token) {
        return token.hasAnyScope(AccessPolicy.V2_ADMIN_SCOPES);
    }
}
