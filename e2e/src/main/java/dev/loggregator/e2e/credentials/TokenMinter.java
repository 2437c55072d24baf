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
 * {@code exp}, {@code user_name}/{@code sub}, {@code iss}, {@code aud}, {@code iat}) with a
 * development key, for bin/loggregator's dev token and for tests that need users with different
 * scopes. The issuer and audience are the manifest's ({@code traffic_controller.auth.jwt.issuer},
 * {@code .audience}) so the Traffic Controller's claim checks pass; without an issuer there,
 * {@link #DEFAULT_ISSUER}.
 */
public final class TokenMinter {
    public static final String DEFAULT_ISSUER = "loggregator-dev";

    private final JWSSigner signer;
    private final JWSAlgorithm algorithm;
    private final String issuer;
    private final String audience;

    private TokenMinter(JWSSigner signer, JWSAlgorithm algorithm, String issuer, String audience) {
        this.signer = signer;
        this.algorithm = algorithm;
        this.issuer = issuer == null ? DEFAULT_ISSUER : issuer;
        this.audience = audience;
    }

    /** {@code audience} may be null (no {@code aud} claim). */
    public static TokenMinter rs256(PrivateKey key, String issuer, String audience) {
        return new TokenMinter(new RSASSASigner(key), JWSAlgorithm.RS256, issuer, audience);
    }

    public static TokenMinter hs256(String secret, String issuer, String audience) {
        try {
            return new TokenMinter(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)), JWSAlgorithm.HS256, issuer, audience);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("HS256 secret too short: it needs at least 256 bits (32 bytes)", e);
        }
    }

    /** A token for {@code user} with the given scopes, valid for {@code ttl} from now. */
    public String mint(String user, List<String> scopes, Duration ttl) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject(user)
                .claim("user_name", user)
                .claim("user_id", user)
                .claim("client_id", "cf")
                .claim("scope", List.copyOf(scopes))
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)))
                .jwtID(UUID.randomUUID().toString());
        if (audience != null) {
            claims.audience(audience);
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader(algorithm), claims.build());
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign token: " + e.getMessage(), e);
        }
        return jwt.serialize();
    }
}
