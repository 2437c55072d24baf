package dev.loggregator.e2e.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import dev.loggregator.e2e.credentials.PemKeys;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A self-signed server certificate for loopback TLS (the gateway's wss:// in tests and the
 * benchmark), valid for {@code localhost}, {@code doppler.localhost}, 127.0.0.1 and ::1, and an
 * SSLContext that trusts exactly it.
 */
public final class DevCertificate {
    private DevCertificate() {
    }

    public static void write(Path certPem, Path keyPem) throws IOException {
        KeyPair pair = PemKeys.generateRsa();
        Instant now = Instant.now();
        List<GeneralName> names = new ArrayList<>();
        for (String dns : List.of("localhost", "doppler.localhost")) {
            names.add(new GeneralName(GeneralName.dNSName, dns));
        }
        for (String ip : List.of("127.0.0.1", "::1")) {
            names.add(new GeneralName(GeneralName.iPAddress, ip));
        }
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name("CN=localhost"),
                    new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofHours(1))),
                    Date.from(now.plus(Duration.ofDays(30))), new X500Name("CN=localhost"), pair.getPublic())
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
            X509Certificate certificate = new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate())));
            StringWriter pem = new StringWriter();
            try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
                writer.writeObject(certificate);
            }
            Files.writeString(certPem, pem.toString(), StandardCharsets.US_ASCII);
            PemKeys.writePrivate(keyPem, pair.getPrivate());
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot create a certificate: " + e.getMessage(), e);
        }
    }

    /** A client SSLContext that trusts the certificate in {@code certPem} and nothing else. */
    public static SSLContext trusting(Path certPem) throws IOException {
        try (InputStream in = Files.newInputStream(certPem)) {
            X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("dev", certificate);
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException(certPem + ": " + e.getMessage(), e);
        }
    }
}
