package dev.loggregator.trafficcontroller.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.loggregator.trafficcontroller.support.Tokens;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The verifiers the auth matrix does not reach: RS256 keys from a JWKS URL and UAA's
 * check_token, each against a fake speaking the real HTTP protocol; PEM and HS256 edge cases.
 */
class TokenVerifiersTest {
    private static final ClaimRules RULES = ClaimRules.of(null, null, Duration.ofSeconds(30));
    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private String serve(String path, com.sun.net.httpserver.HttpHandler handler) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        server.createContext(path, handler);
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private static String sign(RSAKey key, Duration validity, String... scopes) throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
                Tokens.claims(validity, scopes));
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    @Test
    void rs256TokensAreCheckedAgainstTheKeysOfAJwksUrl() throws Exception {
        RSAKey current = new RSAKeyGenerator(2048).keyID("key-1").generate();
        RSAKey other = new RSAKeyGenerator(2048).keyID("key-2").generate();
        AtomicInteger fetches = new AtomicInteger();
        String base = serve("/token_keys", exchange -> {
            fetches.incrementAndGet();
            byte[] body = ("{\"keys\":[" + current.toPublicJWK().toJSONString() + "]}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        JwtTokenVerifier verifier = new JwtTokenVerifier(null, null, base + "/token_keys", RULES);
        VerifiedToken token = verifier.verify(sign(current, Duration.ofMinutes(5), "doppler.firehose"));
        assertEquals(Set.of("doppler.firehose"), token.scopes());
        assertEquals("tester", token.user());
        assertThrows(InvalidTokenException.class, () -> verifier.verify(sign(other, Duration.ofMinutes(5), "x")));
        assertThrows(InvalidTokenException.class, () -> verifier.verify(sign(current, Duration.ofMinutes(-1), "x")));
        assertTrue(fetches.get() >= 1);
    }

    @Test
    void uaaCheckTokenModeUsesTheClientCredentialsAndTheAnsweredScopes() throws Exception {
        long exp = Instant.now().plusSeconds(600).getEpochSecond();
        String base = serve("/check_token", exchange -> {
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            String form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String token = URLDecoder.decode(form.replaceFirst("^token=", ""), StandardCharsets.UTF_8);
            String expected = "Basic " + Base64.getEncoder().encodeToString("doppler:s3cret".getBytes(StandardCharsets.UTF_8));
            String body;
            int status;
            if (!expected.equals(auth)) {
                status = 401;
                body = "{\"error\":\"unauthorized\"}";
            } else if (token.equals("good-token")) {
                status = 200;
                body = "{\"scope\":[\"doppler.firehose\",\"openid\"],\"exp\":" + exp + ",\"user_name\":\"nozzle\"}";
            } else if (token.equals("stale-token")) {
                status = 200;
                body = "{\"scope\":[\"doppler.firehose\"],\"exp\":" + (exp - 3600) + "}";
            } else {
                status = 400;
                body = "{\"error\":\"invalid_token\"}";
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        HttpClient http = HttpClient.newHttpClient();
        UaaTokenVerifier verifier = new UaaTokenVerifier(http, base, "doppler", "s3cret");
        VerifiedToken token = verifier.verify("good-token");
        assertEquals(Set.of("doppler.firehose", "openid"), token.scopes());
        assertEquals(Instant.ofEpochSecond(exp), token.expiresAt());
        assertEquals("nozzle", token.user());
        assertThrows(InvalidTokenException.class, () -> verifier.verify("stale-token"));
        assertThrows(InvalidTokenException.class, () -> verifier.verify("bad-token"));
        assertThrows(InvalidTokenException.class,
                () -> new UaaTokenVerifier(http, base, "doppler", "wrong").verify("good-token"));
        assertThrows(InvalidTokenException.class,
                () -> new UaaTokenVerifier(http, "http://127.0.0.1:1", "doppler", "s3cret").verify("good-token"));
    }

    @Test
    void pemKeysMustBePublicKeysAndHs256SecretsLongEnough() throws Exception {
        Path notAKey = Files.createTempFile("not-a-key", ".pem");
        Files.writeString(notAKey, "-----BEGIN PUBLIC KEY-----\nbm9wZQ==\n-----END PUBLIC KEY-----\n");
        assertThrows(IOException.class, () -> JwtTokenVerifier.readPemPublicKey(notAKey));
        assertThrows(IllegalArgumentException.class, () -> new JwtTokenVerifier("short", null, null, RULES));
    }

    @Test
    void scopesMayAlsoBeASpaceSeparatedString() throws Exception {
        byte[] secret = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
        JwtTokenVerifier verifier = new JwtTokenVerifier(new String(secret, StandardCharsets.UTF_8), null, null, RULES);
        var claims = new com.nimbusds.jwt.JWTClaimsSet.Builder().subject("client")
                .claim("scope", "doppler.firehose uaa.none")
                .expirationTime(java.util.Date.from(Instant.now().plusSeconds(60))).build();
        VerifiedToken token = verifier.verify(Tokens.hs256(secret, claims));
        assertEquals(Set.of("doppler.firehose", "uaa.none"), token.scopes());
        assertEquals("client", token.user());
        var noExp = new com.nimbusds.jwt.JWTClaimsSet.Builder().subject("client").claim("scope", "x").build();
        assertThrows(InvalidTokenException.class, () -> verifier.verify(Tokens.hs256(secret, noExp)));
    }
}
