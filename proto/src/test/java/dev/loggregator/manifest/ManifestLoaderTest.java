package dev.loggregator.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestLoaderTest {

    private static final String MINIMAL = "traffic_controller: {auth: {disable_access_control: true}}\n";

    @Test
    void devManifestLoads() {
        Manifest manifest = ManifestLoader.load(Path.of("..", "deploy", "dev.yml"));
        assertEquals(4443, manifest.properties().loggerEndpoint().port());
        assertEquals(8082, manifest.doppler().instance(0).grpcPort());
        assertEquals(".run/dev/jwt-public.pem", manifest.trafficController().auth().jwt().publicKeyPem());
        assertFalse(manifest.trafficController().auth().disableAccessControl());
        assertTrue(manifest.gateway().enabled());
        assertEquals(TrafficControllerSection.DEFAULT_INTERNAL_PORT, manifest.trafficControllerPort(0));
    }

    @Test
    void defaultsApplyToEverythingLeftOut() {
        Manifest manifest = ManifestLoader.parse(MINIMAL, "m.yml");
        assertEquals(4443, manifest.properties().loggerEndpoint().port());
        DopplerSection doppler = manifest.doppler();
        assertEquals(100, doppler.maxRetainedLogMessages());
        assertEquals(120, doppler.containerMetricTtlSeconds());
        assertEquals(3600, doppler.sinkInactivityTimeoutSeconds());
        assertEquals(3457, doppler.instance(0).udpPort());
        assertEquals(3458, doppler.instance(0).tcpPort());
        assertEquals(0, doppler.instance(0).tlsPort());
        assertEquals(8081, doppler.instance(0).wsPort());
        assertFalse(manifest.gateway().enabled());
        assertEquals(100_000, doppler.fairShareMaxApps());
        assertEquals(10_000, doppler.dropNoticeMaxApps());
        assertEquals(45, doppler.linkSilenceSeconds());
        TrafficControllerSection tc = manifest.trafficController();
        assertEquals(100_000, tc.fairShareMaxApps());
        assertEquals(10_000, tc.maxLossNotices());
        assertEquals(10_000, tc.auth().tokenCacheMaxTokens());
        assertEquals(100_000, tc.auth().cloudController().cacheMaxEntries());
    }

    @Test
    void trafficControllerTakesLoggerEndpointPortUnlessAGatewayOwnsIt() {
        assertEquals(4443, ManifestLoader.parse(MINIMAL, "m.yml").trafficControllerPort(0));
        Manifest withGateway = ManifestLoader.parse(MINIMAL + "gateway: {enabled: true}\n", "m.yml");
        assertEquals(TrafficControllerSection.DEFAULT_INTERNAL_PORT, withGateway.trafficControllerPort(0));
        Manifest explicit = ManifestLoader.parse(
                "traffic_controller: {auth: {disable_access_control: true}, instances: [{port: 9000}]}", "m.yml");
        assertEquals(9000, explicit.trafficControllerPort(0));
    }

    @Test
    void syslogDrainsHaveTheAgentsDefaultsAndCheckTheirKeys() {
        SyslogDrainsSection none = ManifestLoader.parse(MINIMAL, "m.yml").doppler().syslogDrains();
        assertTrue(none.unused());
        assertEquals(5, none.maxDrainsPerApp());
        assertEquals(10_000, none.bufferSize());
        assertEquals(22, none.maxRetries());
        assertEquals(SyslogDrainsSection.DEFAULT_DENY_LIST, none.denyList());
        SyslogDrainsSection drains = ManifestLoader.parse(MINIMAL + "doppler:\n  syslog_drains:\n"
                + "    bindings: [{app_id: a, url: 'syslog://h:514'}]\n"
                + "    binding_provider: {url: 'https://cc:9023', tls: {cert: c.pem, key: k.pem}}\n", "m.yml").doppler().syslogDrains();
        assertFalse(drains.unused());
        assertEquals(1000, drains.bindingProvider().batchSize());
        assertEquals(60, drains.bindingProvider().pollIntervalSeconds());
        ManifestException badRange = assertThrows(ManifestException.class, () -> ManifestLoader.parse(MINIMAL
                + "doppler: {syslog_drains: {deny_list: [10.0.0.0/8, metadata.internal]}}", "m.yml"));
        assertTrue(badRange.getMessage().contains("'doppler.syslog_drains.deny_list[1]'"), badRange.getMessage());
        ManifestException noApp = assertThrows(ManifestException.class, () -> ManifestLoader.parse(MINIMAL
                + "doppler: {syslog_drains: {bindings: [{url: 'syslog://h:1'}]}}", "m.yml"));
        assertTrue(noApp.getMessage().contains("'doppler.syslog_drains.bindings[0].app_id': is required"), noApp.getMessage());
    }

    @Test
    void unknownKeyNamesTheKeyAndTheFile() {
        ManifestException e = assertThrows(ManifestException.class,
                () -> ManifestLoader.parse(MINIMAL + "doppler:\n  instances:\n    - grcp_port: 1\n", "deploy/x.yml"));
        assertTrue(e.getMessage().startsWith("deploy/x.yml: unknown key 'doppler.instances[0].grcp_port'"), e.getMessage());
        assertTrue(e.getMessage().contains("grpc_port"), e.getMessage());
    }

    @Test
    void wrongTypeNamesTheKeyAndTheFile() {
        ManifestException e = assertThrows(ManifestException.class,
                () -> ManifestLoader.parse("properties:\n  logger_endpoint:\n    port: lots\n", "deploy/x.yml"));
        assertTrue(e.getMessage().startsWith("deploy/x.yml: bad value for key 'properties.logger_endpoint.port'"),
                e.getMessage());
        ManifestException quoted = assertThrows(ManifestException.class,
                () -> ManifestLoader.parse("properties:\n  logger_endpoint:\n    port: \"4443\"\n", "x.yml"));
        assertTrue(quoted.getMessage().contains("properties.logger_endpoint.port"), quoted.getMessage());
    }

    @Test
    void theStreamBufferIsASixteenthOfTheHeapUnlessSetToAtLeastOneMebibyte() {
        assertEquals(0L, ManifestLoader.parse(MINIMAL, "m.yml").trafficController().streamBufferBytes());
        assertEquals(1L << 21, ManifestLoader.parse("traffic_controller: {auth: {disable_access_control: true},"
                + " stream_buffer_bytes: 2097152}\n", "m.yml").trafficController().streamBufferBytes());
        ManifestException small = assertThrows(ManifestException.class, () -> ManifestLoader.parse(
                "traffic_controller: {auth: {disable_access_control: true}, stream_buffer_bytes: 1000}\n", "x.yml"));
        assertTrue(small.getMessage().contains("traffic_controller.stream_buffer_bytes"), small.getMessage());
    }

    @Test
    void outOfRangeValuesAreRejected() {
        ManifestException e = assertThrows(ManifestException.class,
                () -> ManifestLoader.parse(MINIMAL + "doppler: {instances: [{udp_port: 70000}]}", "x.yml"));
        assertTrue(e.getMessage().contains("doppler.instances[0].udp_port"), e.getMessage());
        for (String key : new String[] {"fair_share_max_apps", "drop_notice_max_apps"}) {
            ManifestException zero = assertThrows(ManifestException.class,
                    () -> ManifestLoader.parse(MINIMAL + "doppler: {" + key + ": 0}", "x.yml"));
            assertTrue(zero.getMessage().contains("doppler." + key), zero.getMessage());
        }
        ManifestException shortSilence = assertThrows(ManifestException.class,
                () -> ManifestLoader.parse(MINIMAL + "doppler: {link_silence_seconds: 2}", "x.yml"));
        assertTrue(shortSilence.getMessage().contains("doppler.link_silence_seconds"), shortSilence.getMessage());
        assertEquals(3, ManifestLoader.parse(MINIMAL + "doppler: {link_silence_seconds: 3}", "x.yml").doppler().linkSilenceSeconds());
        String open = "traffic_controller: {auth: {disable_access_control: true";
        Map<String, String> zeros = Map.of(
                "traffic_controller.fair_share_max_apps", open + "}, fair_share_max_apps: 0}",
                "traffic_controller.max_loss_notices", open + "}, max_loss_notices: 0}",
                "traffic_controller.auth.token_cache_max_tokens", open + ", token_cache_max_tokens: 0}}",
                "traffic_controller.auth.cloud_controller.cache_max_entries", open + ", cloud_controller: {cache_max_entries: 0}}}");
        zeros.forEach((key, yaml) -> {
            ManifestException zero = assertThrows(ManifestException.class, () -> ManifestLoader.parse(yaml, "x.yml"), yaml);
            assertTrue(zero.getMessage().contains(key), zero.getMessage());
        });
        TrafficControllerSection tc = ManifestLoader.parse(open + ", token_cache_max_tokens: 5, cloud_controller: {cache_max_entries: 6}},"
                + " fair_share_max_apps: 7, max_loss_notices: 8}", "x.yml").trafficController();
        assertEquals(5, tc.auth().tokenCacheMaxTokens());
        assertEquals(6, tc.auth().cloudController().cacheMaxEntries());
        assertEquals(7, tc.fairShareMaxApps());
        assertEquals(8, tc.maxLossNotices());
        DopplerSection set = ManifestLoader.parse(MINIMAL + "doppler: {fair_share_max_apps: 7, drop_notice_max_apps: 3}", "x.yml").doppler();
        assertEquals(7, set.fairShareMaxApps());
        assertEquals(3, set.dropNoticeMaxApps());
        ManifestException noVerifier = assertThrows(ManifestException.class,
                () -> ManifestLoader.parse("name: x", "x.yml"));
        assertTrue(noVerifier.getMessage().contains("traffic_controller.auth"), noVerifier.getMessage());
    }

    @Test
    void brokenYamlAndMissingFileAreClearErrors(@TempDir Path dir) throws Exception {
        ManifestException yaml = assertThrows(ManifestException.class,
                () -> ManifestLoader.parse("doppler: [unclosed", "x.yml"));
        assertTrue(yaml.getMessage().startsWith("x.yml: "), yaml.getMessage());
        Path missing = dir.resolve("nope.yml");
        ManifestException file = assertThrows(ManifestException.class, () -> ManifestLoader.load(missing));
        assertEquals(missing + ": manifest file not found", file.getMessage());
        Path empty = Files.writeString(dir.resolve("empty.yml"), "");
        assertThrows(ManifestException.class, () -> ManifestLoader.load(empty));
    }

    @Test
    void unknownInstanceIndexIsAClearError() {
        Manifest manifest = ManifestLoader.parse(MINIMAL, "m.yml");
        ManifestException e = assertThrows(ManifestException.class, () -> manifest.doppler().instance(3));
        assertEquals("doppler.instances has 1 entries; there is no index 3", e.getMessage());
    }
}
