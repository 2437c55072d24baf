package dev.loggregator.e2e.credentials;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * Signs UAA-shaped access tokens (the claims the Traffic Controller reads: {@code scope},
 * {@code exp}, {@code user_name}/{@code sub}) with a development key, for bin/loggregator's dev
 * token and for tests that need users with different scopes.
 */
public final class TokenMinter {
    public static final String ISSUER = "loggregator-dev";

    private final JWSSigner signer;
    private final JWSAlgorithm algorithm;

    private TokenMinter(JWSSigner signer, JWSAlgorithm algorithm) {
        this.signer = signer;
        this.algorithm = algorithm;
    }

    public static TokenMinter rs256(PrivateKey key) {
        return new TokenMinter(new RSASSASigner(key), JWSAlgorithm.RS256);
    }

    public static TokenMinter hs256(String secret) {
        try {
            return new TokenMinter(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)), JWSAlgorithm.HS256);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("HS256 secret too short: it needs at least 256 bits (32 bytes)", e);
        }
    }

    /** A token for {@code user} with the given scopes, valid for {@code ttl} from now. */
    public String mint(String user, List<String> scopes, Duration ttl) {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .subject(user)
                .claim("user_name", user)
                .claim("user_id", user)
                .claim("client_id", "cf")
                .claim("scope", List.copyOf(scopes))
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)))
                .jwtID(UUID.randomUUID().toString())
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(algorithm), claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign token: " + e.getMessage(), e);
        }
        return jwt.serialize();
    }
}
