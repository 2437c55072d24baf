package dev.loggregator.gateway.tls;

import dev.loggregator.manifest.GatewaySection;
import dev.loggregator.manifest.ManifestException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.DomainWildcardMappingBuilder;
import io.netty.util.Mapping;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLException;
import javax.security.auth.x500.X500Principal;

/**
 * TLS certificates by SNI name, from PEM files ({@code gateway.tls}): each entry serves the names
 * it lists, or, when it lists none, the DNS names in its certificate (subject alternative names,
 * else the common name). {@code *.domain} names match one label. Clients without SNI, or with an
 * unknown name, get the default certificate (or the first entry when no default is set).
 */
public final class SniCertificates {
    private SniCertificates() {
    }

    public static Mapping<String, SslContext> load(GatewaySection.Tls tls) {
        SslContext fallback = null;
        List<Object[]> named = new ArrayList<>();
        for (int i = 0; i < tls.sni().size(); i++) {
            GatewaySection.SniCertificate entry = tls.sni().get(i);
            String key = "gateway.tls.sni[" + i + "]";
            SslContext context = context(key, entry.cert(), entry.key());
            List<String> names = entry.serverNames().isEmpty() ? namesIn(key, entry.cert()) : entry.serverNames();
            for (String name : names) {
                named.add(new Object[] {name.toLowerCase(Locale.ROOT), context});
            }
            if (fallback == null) {
                fallback = context;
            }
        }
        if (tls.defaultCertificate().configured()) {
            fallback = context("gateway.tls.default_certificate", tls.defaultCertificate().cert(), tls.defaultCertificate().key());
        }
        if (fallback == null) {
            throw new ManifestException("gateway.tls: an https listener needs gateway.tls.default_certificate or gateway.tls.sni entries");
        }
        DomainWildcardMappingBuilder<SslContext> builder = new DomainWildcardMappingBuilder<>(fallback);
        for (Object[] pair : named) {
            builder.add((String) pair[0], (SslContext) pair[1]);
        }
        return builder.build();
    }

    private static SslContext context(String key, String cert, String privateKey) {
        try {
            return SslContextBuilder.forServer(new File(cert), new File(privateKey)).build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new ManifestException(key + ": cannot use certificate " + cert + " with key " + privateKey
                    + " (PEM, key in PKCS#8): " + e.getMessage(), e);
        }
    }

    private static List<String> namesIn(String key, String certFile) {
        try (InputStream in = new FileInputStream(certFile)) {
            X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            List<String> names = new ArrayList<>();
            Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> alternative : alternatives) {
                    if (Integer.valueOf(2).equals(alternative.get(0))) {
                        names.add((String) alternative.get(1));
                    }
                }
            }
            if (names.isEmpty()) {
                String subject = certificate.getSubjectX500Principal().getName(X500Principal.RFC2253);
                for (String part : subject.split(",")) {
                    if (part.startsWith("CN=")) {
                        names.add(part.substring(3));
                    }
                }
            }
            return names;
        } catch (IOException | CertificateException e) {
            throw new ManifestException(key + ": cannot read certificate " + certFile + ": " + e.getMessage(), e);
        }
    }
}
