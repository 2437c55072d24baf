package dev.loggregator.trafficcontroller.auth;

import java.time.Instant;
import java.util.Collection;
import java.util.Set;

/** What a verified token grants: its scopes, when it stops being valid, and whose it is (for logs). */
public record VerifiedToken(Set<String> scopes, Instant expiresAt, String user) {
    public VerifiedToken {
        scopes = Set.copyOf(scopes);
    }

    public boolean hasScope(String scope) {
        return scopes.contains(scope);
    }

    public boolean hasAnyScope(Collection<String> candidates) {
        for (String candidate : candidates) {
            if (scopes.contains(candidate)) {
                return true;
            }
        }
        return false;
    }
}
