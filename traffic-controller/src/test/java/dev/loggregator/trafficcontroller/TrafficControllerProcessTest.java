package dev.loggregator.trafficcontroller;

import static dev.loggregator.testsupport.TestApps.guid;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.testsupport.FreePorts;
import dev.loggregator.testsupport.JavaProcess;
import dev.loggregator.trafficcontroller.support.Cluster;
import dev.loggregator.trafficcontroller.support.Envelopes;
import dev.loggregator.trafficcontroller.support.Probes;
import dev.loggregator.trafficcontroller.support.StreamClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The Traffic Controller as an operator runs it: bad manifests, SIGTERM, Dopplers found by DNS. */
class TrafficControllerProcessTest {

    private static JavaProcess startWith(String manifest) throws Exception {
        Path file = Files.createTempFile(Files.createDirectories(Path.of("target", "manifests")), "bad-", ".yml");
        Files.writeString(file, manifest);
        return JavaProcess.start("tc-bad", Cluster.TC_MAIN, "--manifest", file.toString(), "--index", "0");
    }

    @Test
    void aManifestWithoutATokenVerifierStopsStartupWithOneLineAndStatus2() throws Exception {
        try (JavaProcess tc = startWith("traffic_controller:\n  instances: [{port: " + FreePorts.next()
                + ", health_port: " + FreePorts.next() + "}]\n")) {
            assertTrue(tc.process().waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(2, tc.process().exitValue());
            assertTrue(tc.output().contains("traffic_controller.auth"), tc.output());
        }
    }

    @Test
    void aShortHs256SecretIsRefusedAtStartup() throws Exception {
        try (JavaProcess tc = startWith("traffic_controller:\n  instances: [{port: " + FreePorts.next()
                + ", health_port: " + FreePorts.next() + "}]\n  auth: {jwt: {hs256_secret: short}}\n")) {
            assertTrue(tc.process().waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(2, tc.process().exitValue());
            assertTrue(tc.output().contains("hs256_secret must be at least 32 bytes"), tc.output());
        }
    }

    @Test
    void dopplersFoundByDnsServeStreamsAndSigtermDrainsWith1001AndExit0() throws Exception {
        // "localhost" may also resolve to ::1, where no Doppler listens: that link keeps retrying
        // while 127.0.0.1 serves, and recent logs still answer from the Doppler that is there.
        try (Cluster cluster = Cluster.start(1, 1, "auth: {disable_access_control: true}",
                "dns: {name: localhost, ws_port: ${DOPPLER0_WS_PORT}, refresh_seconds: 1}")) {
            StreamClient client = StreamClient.open(cluster.ws(0) + "/apps/" + guid("dns-app") + "/stream", null);
            Probes.awaitFlowing(cluster, guid("dns-app"), client);
            cluster.emit(0, Envelopes.log(guid("dns-app"), "via-dns"));
            await().atMost(Duration.ofSeconds(20)).until(() -> client.texts().contains("via-dns"));
            assertEquals(200, Cluster.get(cluster.http(0) + "/apps/" + guid("dns-app") + "/recentlogs").statusCode());

            assertEquals(0, cluster.trafficController(0).terminate(30));
            await().atMost(Duration.ofSeconds(10)).until(() -> client.closeCode() != -2);
            assertEquals(1001, client.closeCode());
        }
    }
}
