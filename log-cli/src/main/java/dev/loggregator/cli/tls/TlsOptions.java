package dev.loggregator.cli.tls;

import dev.loggregator.cli.CliException;
import dev.loggregator.cli.ExitCode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * How to trust the endpoint's certificate: the JVM's default CAs, the CAs of a PEM file
 * ({@code --ca}), or nothing at all ({@code --skip-ssl-validation}, which also skips the host name check).
 */
public record TlsOptions(boolean skipValidation, Path caFile) {

    /** An SSLContext for these options; null means the JVM default. */
    public SSLContext sslContext() {
        if (!skipValidation && caFile == null) {
            return null;
        }
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, skipValidation ? new TrustManager[] {new TrustEverything()} : caTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new CliException(ExitCode.TLS, "cannot set up TLS: " + e.getMessage(), e);
        }
    }

    private TrustManager[] caTrustManagers() throws GeneralSecurityException {
        Collection<? extends Certificate> certificates;
        try (InputStream in = Files.newInputStream(caFile)) {
            certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (IOException e) {
            throw new CliException(ExitCode.USAGE, "cannot read CA file " + caFile + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new CliException(ExitCode.USAGE, "CA file " + caFile + " holds no readable PEM certificate: " + e.getMessage(), e);
        }
        if (certificates.isEmpty()) {
            throw new CliException(ExitCode.USAGE, "CA file " + caFile + " holds no certificate");
        }
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException(e);
        }
        int i = 0;
        for (Certificate certificate : certificates) {
            store.setCertificateEntry("ca-" + i++, certificate);
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return factory.getTrustManagers();
    }

    /** --skip-ssl-validation: the user asked for no certificate checks (development endpoints). */
    private static final class TrustEverything implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
