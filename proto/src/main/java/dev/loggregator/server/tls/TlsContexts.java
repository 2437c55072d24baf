package dev.loggregator.server.tls;

import dev.loggregator.manifest.ManifestException;
import dev.loggregator.manifest.TlsFiles;
import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.File;
import java.nio.file.Files;
import javax.net.ssl.SSLException;

/**
 * Server TLS contexts from the manifest's PEM files (e.g. {@code doppler.tls}). With a CA bundle the
 * server requires and verifies client certificates (mutual TLS, as Loggregator agents and the
 * reverse log proxy's clients use). {@code keyPath} names the manifest key in errors.
 */
public final class TlsContexts {
    private TlsContexts() {
    }

    /** For a plain TLS stream listener. */
    public static SslContext forStream(TlsFiles files, String keyPath) {
        return build(files, false, keyPath);
    }

    /** For a gRPC listener (HTTP/2 with ALPN). */
    public static SslContext forGrpc(TlsFiles files, String keyPath) {
        return build(files, true, keyPath);
    }

    private static SslContext build(TlsFiles files, boolean grpc, String keyPath) {
        File cert = readable(files.cert(), keyPath + ".cert");
        File key = readable(files.key(), keyPath + ".key");
        try {
            SslContextBuilder builder = SslContextBuilder.forServer(cert, key);
            if (grpc) {
                builder = GrpcSslContexts.configure(builder);
            }
            if (files.ca() != null) {
                builder.trustManager(readable(files.ca(), keyPath + ".ca")).clientAuth(ClientAuth.REQUIRE);
            }
            return builder.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new ManifestException(keyPath + ": cannot use " + files.cert() + " / " + files.key()
                    + (files.ca() == null ? "" : " / " + files.ca()) + ": " + e.getMessage(), e);
        }
    }

    private static File readable(String path, String key) {
        File file = new File(path);
        if (!Files.isReadable(file.toPath())) {
            throw new ManifestException(key + ": cannot read " + path);
        }
        return file;
    }
}
