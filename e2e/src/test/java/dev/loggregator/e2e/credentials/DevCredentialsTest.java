package dev.loggregator.e2e.credentials;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.SignedJWT;
import dev.loggregator.manifest.Manifest;
import dev.loggregator.manifest.ManifestLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.interfaces.RSAPublicKey;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevCredentialsTest {

    @TempDir
    Path root;

    @Test
    void devManifestGetsAKeyPairAndAnOperatorTokenThatVerifiesWithThePublicKey() throws Exception {
        Manifest manifest = ManifestLoader.load(Path.of("..", "deploy", "dev.yml"));

        DevCredentials.Result result = DevCredentials.prepare(manifest, root);

        Path publicKey = root.resolve(".run/dev/jwt-public.pem");
        Path privateKey = root.resolve(".run/dev/jwt-private.pem");
        assertTrue(Files.isRegularFile(publicKey));
        assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                Files.getPosixFilePermissions(privateKey));
        SignedJWT jwt = SignedJWT.parse(result.token().orElseThrow());
        assertTrue(jwt.verify(new RSASSAVerifier((RSAPublicKey) PemKeys.readPublic(publicKey))));
        assertEquals("RS256", jwt.getHeader().getAlgorithm().getName());
        assertEquals(List.of("doppler.firehose", "doppler.admin"), jwt.getJWTClaimsSet().getStringListClaim("scope"));
        assertEquals("dev-admin", jwt.getJWTClaimsSet().getStringClaim("user_name"));
        // deploy/dev.yml has the Traffic Controller check these: the dev token must carry them.
        assertEquals(manifest.trafficController().auth().jwt().issuer(), jwt.getJWTClaimsSet().getIssuer());
        assertEquals(List.of(manifest.trafficController().auth().jwt().audience()), jwt.getJWTClaimsSet().getAudience());
        assertTrue(jwt.getJWTClaimsSet().getExpirationTime().after(new Date(System.currentTimeMillis() + 300L * 24 * 3600 * 1000)));
        assertEquals(result.token().orElseThrow(), Files.readString(result.tokenFile().orElseThrow()).trim());
    }

    @Test
    void anExistingKeyIsKeptSoEarlierTokensStayValid() throws Exception {
        Manifest manifest = ManifestLoader.load(Path.of("..", "deploy", "dev.yml"));
        String first = DevCredentials.prepare(manifest, root).token().orElseThrow();
        String publicPem = Files.readString(root.resolve(".run/dev/jwt-public.pem"));

        DevCredentials.prepare(manifest, root);

        assertEquals(publicPem, Files.readString(root.resolve(".run/dev/jwt-public.pem")));
        RSAPublicKey key = (RSAPublicKey) PemKeys.readPublic(root.resolve(".run/dev/jwt-public.pem"));
        assertTrue(SignedJWT.parse(first).verify(new RSASSAVerifier(key)));
    }

    @Test
    void aPublicKeyWithoutItsPrivateKeyMeansBringYourOwnToken() throws Exception {
        Files.createDirectories(root.resolve("keys"));
        PemKeys.writePublic(root.resolve("keys/jwt-public.pem"), PemKeys.generateRsa().getPublic());
        Manifest manifest = ManifestLoader.parse(
                "traffic_controller: {auth: {jwt: {public_key_pem: keys/jwt-public.pem}}}", "m.yml");

        DevCredentials.Result result = DevCredentials.prepare(manifest, root);

        assertFalse(result.token().isPresent());
        assertTrue(result.summary().contains("bring your own token"), result.summary());
    }

    @Test
    void hs256ManifestsGetATokenSignedWithTheSecret() throws Exception {
        String secret = "a-development-secret-of-32-bytes!";
        Manifest manifest = ManifestLoader.parse(
                "traffic_controller: {auth: {jwt: {hs256_secret: '" + secret + "'}}}", "m.yml");

        SignedJWT jwt = SignedJWT.parse(DevCredentials.prepare(manifest, root).token().orElseThrow());

        assertTrue(jwt.verify(new MACVerifier(secret)));
    }

    @Test
    void noTokenWhenAccessControlIsOff() {
        Manifest manifest = ManifestLoader.parse("traffic_controller: {auth: {disable_access_control: true}}", "m.yml");

        assertFalse(DevCredentials.prepare(manifest, root).token().isPresent());
    }
}
