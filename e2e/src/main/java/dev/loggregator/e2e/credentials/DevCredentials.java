package dev.loggregator.e2e.credentials;

import dev.loggregator.manifest.Manifest;
import dev.loggregator.manifest.TrafficControllerSection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Development credentials for a manifest with access control on, so the system can be used right
 * after {@code up} without turning access control off: with {@code jwt.public_key_pem} it creates
 * the RSA key pair when the public key does not exist yet (the private key goes next to it,
 * owner-readable only), and with {@code jwt.hs256_secret} it uses the secret; either way it signs a
 * long-lived token for an operator with {@code doppler.firehose} and {@code doppler.admin}, with the
 * manifest's {@code jwt.issuer} and {@code jwt.audience} as its {@code iss} and {@code aud}.
 */
public final class DevCredentials {
    public static final List<String> OPERATOR_SCOPES = List.of("doppler.firehose", "doppler.admin");
    public static final String OPERATOR = "dev-admin";
    private static final Duration TOKEN_LIFETIME = Duration.ofDays(365);

    private DevCredentials() {
    }

    /** What was done, for the launcher to tell. */
    public record Result(Optional<String> token, Optional<Path> tokenFile, String summary) {
    }

    /** @param root relative key paths in the manifest are resolved against it (the components' working directory) */
    public static Result prepare(Manifest manifest, Path root) {
        TrafficControllerSection.Auth auth = manifest.trafficController().auth();
        if (auth.disableAccessControl()) {
            return new Result(Optional.empty(), Optional.empty(), "access control is off: no token needed");
        }
        try {
            if (auth.jwt().publicKeyPem() != null) {
                Path publicKey = root.resolve(auth.jwt().publicKeyPem());
                Path privateKey = privateKeyFor(publicKey);
                String created = "";
                if (!Files.exists(publicKey)) {
                    KeyPair pair = PemKeys.generateRsa();
                    PemKeys.writePrivate(privateKey, pair.getPrivate());
                    PemKeys.writePublic(publicKey, pair.getPublic());
                    created = "created the development signing key " + root.relativize(publicKey) + "; ";
                } else if (!Files.exists(privateKey)) {
                    return new Result(Optional.empty(), Optional.empty(), root.relativize(publicKey)
                            + " exists without " + privateKey.getFileName()
                            + " next to it: bring your own token (`bin/logs token <jwt>`)");
                }
                return withToken(TokenMinter.rs256(PemKeys.readPrivate(privateKey), auth.jwt().issuer(), auth.jwt().audience()),
                        publicKey.getParent(), created);
            }
            if (auth.jwt().hs256Secret() != null) {
                return withToken(TokenMinter.hs256(auth.jwt().hs256Secret(), auth.jwt().issuer(), auth.jwt().audience()),
                        root.resolve(".run").resolve("dev"), "");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Result(Optional.empty(), Optional.empty(),
                "tokens come from UAA or a JWKS here: get one there and run `bin/logs token <jwt>`");
    }

    private static Result withToken(TokenMinter minter, Path dir, String created) throws IOException {
        String token = minter.mint(OPERATOR, OPERATOR_SCOPES, TOKEN_LIFETIME);
        Path tokenFile = dir.resolve("token");
        Files.createDirectories(dir);
        Files.writeString(tokenFile, token + "\n", StandardCharsets.US_ASCII);
        try {
            Files.setPosixFilePermissions(tokenFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system.
        }
        return new Result(Optional.of(token), Optional.of(tokenFile), created + "signed a token for " + OPERATOR
                + " with scopes " + String.join(", ", OPERATOR_SCOPES) + ", valid " + TOKEN_LIFETIME.toDays() + " days");
    }

    /** {@code jwt-public.pem} -> {@code jwt-private.pem}; any other name gets {@code .private.pem}. */
    public static Path privateKeyFor(Path publicKey) {
        String name = publicKey.getFileName().toString();
        String privateName = name.contains("public") ? name.replace("public", "private") : name + ".private.pem";
        return publicKey.resolveSibling(privateName);
    }

    /** Reads the private key next to {@code publicKey}, for tests that mint tokens for other users. */
    public static PrivateKey privateKey(Path publicKey) throws IOException {
        return PemKeys.readPrivate(privateKeyFor(publicKey));
    }
}
