package dev.loggregator.e2e.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.manifest.Manifest;
import dev.loggregator.manifest.ManifestLoader;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DeploymentPlanTest {

    @Test
    void devManifestRunsOneDopplerOneTrafficControllerAndTheGatewayOnTheLoggingEndpoint() {
        Manifest manifest = ManifestLoader.load(Path.of("..", "deploy", "dev.yml"));

        DeploymentPlan plan = DeploymentPlan.of(manifest, Path.of("deploy/dev.yml"), Set.of(), false);

        assertEquals(List.of("doppler-0", "traffic-controller-0", "gateway"), names(plan));
        ComponentSpec doppler = plan.components().get(0);
        assertEquals(URI.create("http://127.0.0.1:14825/health"), doppler.health());
        assertEquals(List.of("--manifest", Path.of("deploy/dev.yml").toAbsolutePath().toString(), "--index", "0"), doppler.args());
        assertEquals(URI.create("ws://127.0.0.1:4443"), plan.loggingEndpoint());
    }

    @Test
    void devManifestSpellsOutEveryPortTheSystemBinds() throws Exception {
        com.fasterxml.jackson.databind.JsonNode yaml = new com.fasterxml.jackson.databind.ObjectMapper(
                new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree(Path.of("..", "deploy", "dev.yml").toFile());

        assertTrue(yaml.at("/properties/logger_endpoint/port").isInt(), "the gateway's logging endpoint");
        assertTrue(yaml.at("/gateway/admin_port").isInt(), "the gateway's /health and /metrics");
        for (String port : List.of("grpc_port", "ws_port", "tcp_port", "udp_port", "tls_port", "health_port")) {
            assertTrue(yaml.at("/doppler/instances/0/" + port).isInt(), "doppler " + port);
        }
        for (String port : List.of("port", "health_port", "grpc_port")) {
            assertTrue(yaml.at("/traffic_controller/instances/0/" + port).isInt(), "traffic controller " + port);
        }
        Manifest manifest = ManifestLoader.load(Path.of("..", "deploy", "dev.yml"));
        assertEquals(manifest.trafficControllerPort(0), yaml.at("/traffic_controller/instances/0/port").asInt(),
                "the port written is the one the Traffic Controller uses");
    }

    @Test
    void aPlacedComponentIsStartedThroughItsPrefixAndProbedWhereTheTestReachesIt() {
        Manifest manifest = ManifestLoader.load(Path.of("..", "deploy", "dev.yml"));
        DeploymentPlan plan = DeploymentPlan.of(manifest, Path.of("deploy/dev.yml"), Set.of(), false)
                .map(c -> c.placed(List.of("ip", "netns", "exec", "ns-" + c.name()), URI.create("http://127.0.0.1:1/health")));

        ComponentSpec doppler = plan.components().get(0);
        assertEquals(List.of("ip", "netns", "exec", "ns-doppler-0"), doppler.launchPrefix());
        assertEquals(URI.create("http://127.0.0.1:1/health"), doppler.health());
        assertEquals(List.of("--manifest", Path.of("deploy/dev.yml").toAbsolutePath().toString(), "--index", "0"), doppler.args());
    }

    @Test
    void multiNodeExampleRunsThreeDopplersTwoTrafficControllersAndATlsGateway() {
        Manifest manifest = ManifestLoader.load(Path.of("..", "deploy", "multi-node.yml"));

        DeploymentPlan plan = DeploymentPlan.of(manifest, Path.of("deploy/multi-node.yml"), Set.of(), true);

        assertEquals(List.of("doppler-0", "doppler-1", "doppler-2", "traffic-controller-0", "traffic-controller-1",
                "gateway", "demo-emitter"), names(plan));
        assertEquals(URI.create("wss://127.0.0.1:4443"), plan.loggingEndpoint());
    }

    @Test
    void everyIndexIsAProcessAndTheGatewayOwnsTheEndpointWhenEnabled() {
        Manifest manifest = ManifestLoader.parse("""
                properties: {logger_endpoint: {port: 4443, use_ssl: true}}
                doppler: {instances: [{health_port: 1}, {health_port: 2}, {health_port: 3}]}
                traffic_controller:
                  auth: {disable_access_control: true}
                  instances: [{port: 8080, health_port: 4}, {port: 8090, health_port: 5}]
                gateway: {enabled: true, admin_port: 6}
                """, "m.yml");

        DeploymentPlan plan = DeploymentPlan.of(manifest, Path.of("m.yml"), Set.of(), true);

        assertEquals(List.of("doppler-0", "doppler-1", "doppler-2", "traffic-controller-0", "traffic-controller-1",
                "gateway", "demo-emitter"), names(plan));
        assertEquals(URI.create("wss://127.0.0.1:4443"), plan.loggingEndpoint());
        assertEquals(List.of("--manifest", Path.of("m.yml").toAbsolutePath().toString()), plan.components().get(5).args());
        assertNull(plan.components().get(6).health());
    }

    @Test
    void onlyPicksNamedComponentsAndForeignHostsAreLeftToTheirMachines() {
        Manifest manifest = ManifestLoader.parse("""
                doppler: {instances: [{host: 127.0.0.1}, {host: 192.0.2.10}]}
                traffic_controller: {auth: {disable_access_control: true}}
                """, "m.yml");

        assertEquals(List.of("doppler-0", "traffic-controller-0"),
                names(DeploymentPlan.of(manifest, Path.of("m.yml"), Set.of(), false)));
        assertEquals(List.of("doppler-1"), names(DeploymentPlan.of(manifest, Path.of("m.yml"), Set.of("doppler-1"), false)));
    }

    @Test
    void wildcardBindAddressesAreDialledOnLoopback() {
        assertEquals("127.0.0.1", DeploymentPlan.dialable("0.0.0.0"));
        assertEquals("[::1]", DeploymentPlan.dialable("::"));
        assertTrue(DeploymentPlan.isLocal("127.0.0.1"));
        assertFalse(DeploymentPlan.isLocal("192.0.2.10"));
    }

    private static List<String> names(DeploymentPlan plan) {
        return plan.components().stream().map(ComponentSpec::name).toList();
    }
}
