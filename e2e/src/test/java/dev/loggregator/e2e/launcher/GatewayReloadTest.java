package dev.loggregator.e2e.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.loggregator.e2e.deployment.LoopbackDeployment;
import dev.loggregator.manifest.ManifestLoader;
import dev.loggregator.testsupport.FreePorts;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/loggregator reload} with gateway processes from gateway/target/gateway.jar. */
class GatewayReloadTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream output = new ByteArrayOutputStream();

    private Launcher launcher() {
        return new Launcher(ProjectLayout.find(Path.of("")), new RunDirectory(dir.resolve("run")),
                new Launcher.Options(LoopbackDeployment.TEST_JVM_ARGS, false, false, Duration.ofSeconds(120),
                        new PrintStream(output, true, StandardCharsets.UTF_8)));
    }

    @Test
    void reloadStartsANewGatewayWaitsForItsOwnHealthRecordsItAndTheOldOneExits() throws Exception {
        HttpServer backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        backend.createContext("/", exchange -> {
            byte[] body = "hello".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        backend.start();
        int port = FreePorts.next();
        int admin = FreePorts.next();
        Path manifest = dir.resolve("manifest.yml");
        Files.writeString(manifest, "properties: {logger_endpoint: {port: " + port + "}}\n"
                + "traffic_controller: {auth: {disable_access_control: true}}\n"
                + "gateway:\n  enabled: true\n  admin_port: " + admin + "\n  drain_deadline_ms: 2000\n"
                + "  routes: [{hosts: ['*'], backends: ['127.0.0.1:" + backend.getAddress().getPort() + "']}]\n");
        URI health = URI.create("http://127.0.0.1:" + admin + "/health");
        DeploymentPlan plan = DeploymentPlan.of(ManifestLoader.load(manifest), manifest, Set.of("gateway"), false);
        RunningSystem system = launcher().up(plan);
        try {
            ProcessHandle old = system.process("gateway").handle().orElseThrow();

            long successor = new GatewayReload(launcher(), new PrintStream(output, true, StandardCharsets.UTF_8)).run();

            assertNotEquals(old.pid(), successor);
            assertTrue(HealthProbe.healthyAs(health, successor), output.toString(StandardCharsets.UTF_8));
            assertEquals(successor + "\n", Files.readString(dir.resolve("run/gateway.pid")), "state follows the new process");
            assertTrue(old.onExit().get(60, TimeUnit.SECONDS) != null && !old.isAlive(), "the old gateway drained and exited");
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals("hello", response.body());
            assertEquals(0, launcher().status());
            assertTrue(output.toString(StandardCharsets.UTF_8).contains("gateway reloaded: pid " + old.pid() + " -> " + successor));
        } finally {
            launcher().down(); // by the recorded state: the new gateway
            system.stopAll(Duration.ofSeconds(20));
            backend.stop(0);
        }
        assertFalse(HealthProbe.healthy(health), "down stopped the new gateway");
    }

    @Test
    void reloadWithNothingRunningSaysSo() {
        LaunchException failure = assertThrows(LaunchException.class,
                () -> new GatewayReload(launcher(), new PrintStream(output, true, StandardCharsets.UTF_8)).run());
        assertTrue(failure.getMessage().contains("bin/loggregator up"), failure.getMessage());
    }
}
