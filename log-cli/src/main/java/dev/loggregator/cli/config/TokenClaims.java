package dev.loggregator.cli.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.Base64;

/**
 * Who a token says it is, for {@code logs login}'s confirmation: {@code user_name} (else {@code sub})
 * and {@code exp} of a JWT's payload. Read without verifying (the server verifies); null if not a JWT.
 */
public record TokenClaims(String user, Instant expires) {

    public static TokenClaims of(String authorization) {
        if (authorization == null) {
            return null;
        }
        String token = authorization.startsWith("bearer ") ? authorization.substring(7) : authorization;
        String[] parts = token.split("\\.");
        if (parts.length != 3) {
            return null;
        }
        try {
            JsonNode payload = new ObjectMapper().readTree(Base64.getUrlDecoder().decode(parts[1]));
            String user = payload.hasNonNull("user_name") ? payload.get("user_name").asText()
                    : payload.hasNonNull("sub") ? payload.get("sub").asText() : null;
            Instant expires = payload.has("exp") && payload.get("exp").canConvertToLong()
                    ? Instant.ofEpochSecond(payload.get("exp").asLong()) : null;
            return new TokenClaims(user, expires);
        } catch (IllegalArgumentException | java.io.IOException e) {
            return null;
        }
    }

    public String describe() {
        return (user == null ? "token" : "token of " + user) + (expires == null ? "" : ", expires " + expires);
    }
}
