package dev.loggregator.trafficcontroller.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies JWTs locally with nimbus-jose-jwt: HS256 with a shared secret, RS256 with a PEM
 * public key or the keys of a JWKS URL. The signature and the {@link ClaimRules} (exp, sub, iat/nbf
 * skew, issuer, audience) are enforced; scopes come from the {@code scope} claim (an array, as UAA
 * issues it, or a space-separated string).
 */
public final class JwtTokenVerifier implements TokenVerifier {
    /** nimbus refuses HMAC keys shorter than the hash (RFC 7518 §3.2). */
    public static final int MIN_HS256_SECRET_BYTES = 32;

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

    public JwtTokenVerifier(String hs256Secret, RSAPublicKey rsaKey, String jwksUrl, ClaimRules claims) {
        SecretKeySpec secret = null;
        if (hs256Secret != null) {
            byte[] bytes = hs256Secret.getBytes(StandardCharsets.UTF_8);
            if (bytes.length < MIN_HS256_SECRET_BYTES) {
                throw new IllegalArgumentException("traffic_controller.auth.jwt.hs256_secret must be at least "
                        + MIN_HS256_SECRET_BYTES + " bytes");
            }
            secret = new SecretKeySpec(bytes, "HmacSHA256");
        }
        JWSKeySelector<SecurityContext> jwks = null;
        if (jwksUrl != null) {
            try {
                JWKSource<SecurityContext> source = JWKSourceBuilder.create(URI.create(jwksUrl).toURL())
                        .retrying(true).build();
                jwks = new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, source);
            } catch (MalformedURLException | IllegalArgumentException e) {
                throw new IllegalArgumentException("traffic_controller.auth.jwt.jwks_url is not a URL: " + jwksUrl, e);
            }
        }
        processor.setJWSKeySelector(new ByAlgorithm(secret, rsaKey, jwks));
        processor.setJWTClaimsSetVerifier(claims);
    }

    /** Reads an X.509 {@code PUBLIC KEY} PEM file (as {@code openssl rsa -pubout} writes it). */
    public static RSAPublicKey readPemPublicKey(Path file) throws IOException {
        String pem = Files.readString(file);
        String base64 = pem.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
        try {
            byte[] der = Base64.getDecoder().decode(base64);
            return (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
        } catch (IllegalArgumentException | GeneralSecurityException | ClassCastException e) {
            throw new IOException(file + " is not a PEM RSA public key (-----BEGIN PUBLIC KEY-----)", e);
        }
    }

    @Override
    public VerifiedToken verify(String token) throws InvalidTokenException {
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ParseException e) {
            throw new InvalidTokenException("not a JWT", e);
        } catch (BadJOSEException | JOSEException e) {
            throw new InvalidTokenException(e.getMessage(), e);
        }
        Set<String> scopes = new HashSet<>();
        Object scope = claims.getClaim("scope");
        if (scope instanceof List<?> list) {
            list.forEach(s -> scopes.add(String.valueOf(s)));
        } else if (scope instanceof String text) {
            scopes.addAll(List.of(text.trim().split("\\s+")));
        }
        Object userName = claims.getClaim("user_name");
        String user = userName instanceof String name ? name : claims.getSubject();
        Instant expiresAt = claims.getExpirationTime().toInstant();
        return new VerifiedToken(scopes, expiresAt, user == null ? "?" : user);
    }

    /** Picks the key for the token's {@code alg}: the secret for HS256, the PEM key or JWKS for RS256. */
    private record ByAlgorithm(SecretKeySpec secret, RSAPublicKey rsaKey, JWSKeySelector<SecurityContext> jwks)
            implements JWSKeySelector<SecurityContext> {
        @Override
        public List<? extends Key> selectJWSKeys(JWSHeader header, SecurityContext context) throws KeySourceException {
            List<Key> keys = new ArrayList<>();
            if (JWSAlgorithm.HS256.equals(header.getAlgorithm()) && secret != null) {
                keys.add(secret);
            } else if (JWSAlgorithm.RS256.equals(header.getAlgorithm())) {
                if (rsaKey != null) {
                    keys.add(rsaKey);
                }
                if (jwks != null) {
                    keys.addAll(jwks.selectJWSKeys(header, context));
                }
            }
            return keys;
        }
    }
}
