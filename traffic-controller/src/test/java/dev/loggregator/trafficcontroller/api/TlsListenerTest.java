package dev.loggregator.trafficcontroller.api;

import static dev.loggregator.testsupport.TestApps.guid;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.trafficcontroller.support.Cluster;
import dev.loggregator.trafficcontroller.support.Envelopes;
import dev.loggregator.trafficcontroller.support.StreamClient;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import java.io.FileInputStream;
import java.io.InputStream;
import java.net.URI;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/** {@code traffic_controller.tls}: the API served as https:// and wss:// directly. */
class TlsListenerTest {
    @Test
    void recentLogsAndStreamsWorkOverTls() throws Exception {
        SelfSignedCertificate certificate = new SelfSignedCertificate("localhost");
        try (Cluster cluster = Cluster.start(1, 1, """
                auth: {disable_access_control: true}
                tls: {cert: %s, key: %s}
                """.formatted(certificate.certificate(), certificate.privateKey()), "")) {
            SSLContext tls = trusting(certificate);
            StreamClient client = StreamClient.openTls("wss://127.0.0.1:" + cluster.tcPort(0) + "/apps/" + guid("tls-app") + "/stream", tls);
            try {
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).until(() -> {
                    cluster.emit(0, Envelopes.log(guid("tls-app"), "over-tls"));
                    return client.texts().contains("over-tls");
                });
            } finally {
                client.closeBlocking();
            }
            HttpsURLConnection https = (HttpsURLConnection) URI.create(
                    "https://127.0.0.1:" + cluster.tcPort(0) + "/apps/" + guid("tls-app") + "/recentlogs").toURL().openConnection();
            https.setSSLSocketFactory(tls.getSocketFactory());
            https.setHostnameVerifier((host, session) -> true);
            assertEquals(200, https.getResponseCode());
            assertTrue(https.getContentType().startsWith("multipart/x-protobuf; boundary="));
            try (InputStream body = https.getInputStream()) {
                assertTrue(new String(body.readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1).contains("over-tls"));
            }
        } finally {
            certificate.delete();
        }
    }

    private static SSLContext trusting(SelfSignedCertificate certificate) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (FileInputStream in = new FileInputStream(certificate.certificate())) {
            trust.setCertificateEntry("tc", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }
}
