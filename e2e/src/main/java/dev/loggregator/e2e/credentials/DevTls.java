package dev.loggregator.e2e.credentials;

import dev.loggregator.e2e.tls.DevCertificate;
import dev.loggregator.manifest.Manifest;
import dev.loggregator.manifest.TlsFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A development certificate for the gateway's wss:// endpoint: when the manifest turns TLS on
 * ({@code logger_endpoint.use_ssl} with the gateway) and names a default certificate under the run
 * directory that does not exist yet, a self-signed one is made for localhost and 127.0.0.1, and
 * the CLI is told to trust it. Certificates elsewhere are the operator's and are never written.
 */
public final class DevTls {
    private DevTls() {
    }

    /** {@code trust}: the certificate clients must trust explicitly (a development one), if any. */
    public record Result(Optional<Path> trust, String summary) {
    }

    public static Result prepare(Manifest manifest, Path root) {
        if (!manifest.gateway().enabled() || !manifest.properties().loggerEndpoint().useSsl()) {
            return new Result(Optional.empty(), "");
        }
        TlsFiles files = manifest.gateway().tls().defaultCertificate();
        if (!files.configured()) {
            return new Result(Optional.empty(), "");
        }
        Path cert = root.resolve(files.cert()).normalize();
        Path key = root.resolve(files.key()).normalize();
        if (!cert.startsWith(root.resolve(".run"))) {
            return new Result(Optional.empty(), "");
        }
        if (Files.exists(cert) && Files.exists(key)) {
            return new Result(Optional.of(cert), "gateway TLS: development certificate " + root.relativize(cert));
        }
        try {
            Files.createDirectories(cert.getParent());
            Files.createDirectories(key.getParent());
            DevCertificate.write(cert, key);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Result(Optional.of(cert), "gateway TLS: created a self-signed development certificate "
                + root.relativize(cert) + " (localhost, 127.0.0.1)");
    }
}
