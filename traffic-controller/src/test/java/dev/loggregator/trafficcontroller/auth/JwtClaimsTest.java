package dev.loggregator.trafficcontroller.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Token claims (issue 15, finding 6): issuer and audience when configured, iat/nbf no further in
 * the future than the skew, a subject; and what was refused before stays refused (alg none,
 * HS256 signed with the public key, unknown critical headers, foreign keys, expiry), as is a
 * value that is not a bearer token.
 */
class JwtClaimsTest {
    private static final String ISSUER = "https://uaa.example.com/oauth/token";
    private static final String AUDIENCE = "doppler";
    private static RSAKey key;
    private static RSAKey foreign;
    private static JwtTokenVerifier verifier;

    @BeforeAll
    static void keys() throws Exception {
        key = new RSAKeyGenerator(2048).generate();
        foreign = new RSAKeyGenerator(2048).generate();
        verifier = new JwtTokenVerifier(null, key.toRSAPublicKey(), null, ClaimRules.of(ISSUER, AUDIENCE, Duration.ofSeconds(30)));
    }

    private static JWTClaimsSet.Builder valid() {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().issuer(ISSUER).audience(List.of("cloud_controller", AUDIENCE))
                .subject("user-id").claim("user_name", "alice").claim("scope", List.of("doppler.firehose"))
                .issueTime(Date.from(now)).notBeforeTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(600)));
    }

    private static String rs256(RSAKey signer, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
        jwt.sign(new RSASSASigner(signer));
        return jwt.serialize();
    }

    private static String with(UnaryOperator<JWTClaimsSet.Builder> change) throws Exception {
        return rs256(key, change.apply(valid()).build());
    }

    @Test
    void aTokenWithEveryClaimRightIsAccepted() throws Exception {
        VerifiedToken token = verifier.verify(with(b -> b));
        assertEquals("alice", token.user());
        assertEquals(Set.of("doppler.firehose"), token.scopes());
        // A little clock skew between issuer and Traffic Controller is normal.
        verifier.verify(with(b -> b.issueTime(Date.from(Instant.now().plusSeconds(20)))));
    }

    @Test
    void issuerAndAudienceMustBeTheConfiguredOnes() {
        assertThrows(InvalidTokenException.class, () -> verifier.verify(with(b -> b.issuer("https://evil.example.com"))));
        assertThrows(InvalidTokenException.class, () -> verifier.verify(with(b -> b.issuer(null))));
        assertThrows(InvalidTokenException.class, () -> verifier.verify(with(b -> b.audience("cloud_controller"))));
        assertThrows(InvalidTokenException.class, () -> verifier.verify(with(b -> b.audience((String) null))));
    }

    @Test
    void iatAndNbfBeyondTheSkewAndAMissingSubjectAreRefused() {
        Instant tomorrow = Instant.now().plus(Duration.ofDays(1));
        assertThrows(InvalidTokenException.class, () -> verifier.verify(with(b -> b.issueTime(Date.from(tomorrow)))));
        assertThrows(InvalidTokenException.class, () -> verifier.verify(with(b -> b.notBeforeTime(Date.from(tomorrow)))));
        assertThrows(InvalidTokenException.class, () -> verifier.verify(with(b -> b.subject(null))));
        assertThrows(InvalidTokenException.class, () -> verifier.verify(with(b -> b.claim("iat", "yesterday"))));
    }

    @Test
    void whatWasRefusedBeforeIsStillRefused() throws Exception {
        JWTClaimsSet claims = valid().build();
        assertThrows(InvalidTokenException.class, () -> verifier.verify(new PlainJWT(claims).serialize()), "alg none");
        SignedJWT confused = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        confused.sign(new MACSigner(key.toRSAPublicKey().getEncoded()));
        assertThrows(InvalidTokenException.class, () -> verifier.verify(confused.serialize()), "HS256 with the public key");
        SignedJWT critical = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT)
                .criticalParams(Set.of("x-unknown")).customParam("x-unknown", true).build(), claims);
        critical.sign(new RSASSASigner(key));
        assertThrows(InvalidTokenException.class, () -> verifier.verify(critical.serialize()), "unknown crit");
        assertThrows(InvalidTokenException.class, () -> verifier.verify(rs256(foreign, claims)), "foreign key");
        assertThrows(InvalidTokenException.class,
                () -> verifier.verify(with(b -> b.expirationTime(Date.from(Instant.now().minusSeconds(1))))), "expired");
        assertThrows(InvalidTokenException.class, () -> verifier.verify(with(b -> b.expirationTime(null))), "no exp");
        String tampered = with(b -> b);
        String[] parts = tampered.split("\\.");
        String forged = parts[0] + "." + Base64URL.encode(valid().subject("admin").build().toString()) + "." + parts[2];
        assertThrows(InvalidTokenException.class, () -> verifier.verify(forged), "payload changed");
    }

    @Test
    void onlyABearerSchemeCarriesAToken() {
        assertEquals("abc", BearerToken.strip("bearer abc"));
        assertEquals("abc", BearerToken.strip("Bearer abc"));
        assertNull(BearerToken.strip("abc.def.ghi"), "no scheme");
        assertNull(BearerToken.strip("Basic dXNlcjpwYXNz"), "another scheme");
        assertNull(BearerToken.strip("bearer "), "no token");
        assertNull(BearerToken.strip("bearerabc"));
    }
}
