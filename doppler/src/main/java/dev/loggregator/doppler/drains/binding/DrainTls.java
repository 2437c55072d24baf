package dev.loggregator.doppler.drains.binding;

import dev.loggregator.manifest.ManifestException;
import dev.loggregator.manifest.TlsFiles;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * TLS client contexts for drains (the agent's {@code writer_factory.go}): the receiver is verified
 * against the JDK's trusted CAs plus the operator's {@code trusted_ca} bundle and the binding's own
 * CA; a binding's certificate and key are presented as client certificate. TLS 1.2 or 1.3.
 * {@code ?ssl-strict-internal=true} drains use the Doppler's own certificate and CA instead
 * ({@code doppler.tls}). Drains without credentials share one context.
 */
public final class DrainTls {
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private final List<X509Certificate> externalAnchors;
    private final TlsFiles internal;
    private final SslContext external;
    private volatile SslContext internalContext;

    /** @throws ManifestException when the operator's files cannot be read */
    public DrainTls(String trustedCaFile, TlsFiles internal) {
        List<X509Certificate> anchors = new ArrayList<>(jdkAnchors());
        if (trustedCaFile != null) {
            try {
                anchors.addAll(certificates(Files.readAllBytes(Path.of(trustedCaFile))));
            } catch (IOException | GeneralSecurityException e) {
                throw new ManifestException("doppler.syslog_drains.trusted_ca: cannot read " + trustedCaFile + ": " + e.getMessage(), e);
            }
        }
        this.externalAnchors = List.copyOf(anchors);
        this.internal = internal;
        try {
            this.external = builder(externalAnchors).build();
        } catch (SSLException e) {
            throw new ManifestException("doppler.syslog_drains: cannot build the drains' TLS context: " + e.getMessage(), e);
        }
    }

    /** Why a binding's credentials cannot be used; the message is the agent's notice text. */
    public static final class BadCredentials extends Exception {
        BadCredentials(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The context for {@code binding}; {@code anonymousUrl} names it in errors. */
    public SslContext contextFor(DrainBinding binding, boolean internalTls, String anonymousUrl) throws BadCredentials {
        if (internalTls && internal.configured()) {
            return internal();
        }
        boolean hasKey = binding.cert() != null && binding.key() != null;
        if (!hasKey && binding.ca() == null) {
            return external;
        }
        List<X509Certificate> anchors = externalAnchors;
        if (binding.ca() != null) {
            List<X509Certificate> extra;
            try {
                extra = certificates(binding.ca().getBytes(StandardCharsets.UTF_8));
            } catch (GeneralSecurityException e) {
                extra = List.of();
            }
            if (extra.isEmpty()) {
                throw new BadCredentials("failed to load root CA for " + anonymousUrl, null);
            }
            anchors = new ArrayList<>(externalAnchors);
            anchors.addAll(extra);
        }
        SslContextBuilder builder = builder(anchors);
        if (hasKey) {
            try {
                builder.keyManager(stream(binding.cert()), stream(binding.key()));
            } catch (IllegalArgumentException e) {
                throw new BadCredentials("failed to load certificate for " + anonymousUrl, e);
            }
        }
        try {
            return builder.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new BadCredentials("failed to load certificate for " + anonymousUrl, e);
        }
    }

    private SslContext internal() throws BadCredentials {
        SslContext context = internalContext;
        if (context == null) {
            try {
                SslContextBuilder builder = SslContextBuilder.forClient().sslProvider(SslProvider.JDK).protocols(PROTOCOLS)
                        .keyManager(Path.of(internal.cert()).toFile(), Path.of(internal.key()).toFile());
                if (internal.ca() != null) {
                    builder.trustManager(Path.of(internal.ca()).toFile());
                }
                context = builder.build();
            } catch (SSLException | IllegalArgumentException e) {
                throw new BadCredentials("cannot use doppler.tls for internal TLS: " + e.getMessage(), e);
            }
            internalContext = context;
        }
        return context;
    }

    private static SslContextBuilder builder(List<X509Certificate> anchors) {
        return SslContextBuilder.forClient()
                .sslProvider(SslProvider.JDK)
                .protocols(PROTOCOLS)
                .trustManager(anchors.toArray(X509Certificate[]::new));
    }

    private static InputStream stream(String pem) {
        return new ByteArrayInputStream(pem.getBytes(StandardCharsets.UTF_8));
    }

    private static List<X509Certificate> certificates(byte[] pem) throws GeneralSecurityException {
        Collection<? extends java.security.cert.Certificate> parsed =
                CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem));
        List<X509Certificate> certificates = new ArrayList<>();
        for (java.security.cert.Certificate certificate : parsed) {
            if (certificate instanceof X509Certificate x509) {
                certificates.add(x509);
            }
        }
        return certificates;
    }

    private static List<X509Certificate> jdkAnchors() {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init((KeyStore) null);
            return Arrays.stream(factory.getTrustManagers())
                    .filter(X509TrustManager.class::isInstance)
                    .flatMap(manager -> Arrays.stream(((X509TrustManager) manager).getAcceptedIssuers()))
                    .toList();
        } catch (GeneralSecurityException e) {
            return List.of();
        }
    }
}
