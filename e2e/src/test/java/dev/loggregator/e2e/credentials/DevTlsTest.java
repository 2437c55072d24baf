package dev.loggregator.e2e.credentials;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.e2e.tls.DevCertificate;
import dev.loggregator.manifest.Manifest;
import dev.loggregator.manifest.ManifestLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevTlsTest {

    @TempDir
    Path root;

    @Test
    void multiNodeManifestGetsASelfSignedGatewayCertificateTheClientCanTrust() throws Exception {
        Manifest manifest = ManifestLoader.load(Path.of("..", "deploy", "multi-node.yml"));

        DevTls.Result result = DevTls.prepare(manifest, root);

        Path cert = root.resolve(".run/dev/gateway-cert.pem");
        assertEquals(cert, result.trust().orElseThrow());
        assertTrue(Files.readString(root.resolve(".run/dev/gateway-key.pem")).startsWith("-----BEGIN PRIVATE KEY-----"));
        SSLContext trusting = DevCertificate.trusting(cert);
        assertEquals("TLS", trusting.getProtocol());
        String before = Files.readString(cert);
        DevTls.prepare(manifest, root);
        assertEquals(before, Files.readString(cert), "an existing certificate is kept");
    }

    @Test
    void certificatesOutsideTheRunDirectoryAreNeverWritten() {
        Manifest manifest = ManifestLoader.parse("""
                properties: {logger_endpoint: {use_ssl: true}}
                traffic_controller: {auth: {disable_access_control: true}}
                gateway: {enabled: true, tls: {default_certificate: {cert: certs/gw.pem, key: certs/gw.key}}}
                """, "m.yml");

        assertFalse(DevTls.prepare(manifest, root).trust().isPresent());
        assertFalse(Files.exists(root.resolve("certs")));
    }
}
