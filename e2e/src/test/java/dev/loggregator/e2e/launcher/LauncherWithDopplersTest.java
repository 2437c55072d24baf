package dev.loggregator.e2e.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.e2e.deployment.LoopbackDeployment;
import dev.loggregator.manifest.ManifestLoader;
import dev.loggregator.testsupport.FreePorts;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher with real Dopplers from doppler/target/doppler.jar. */
class LauncherWithDopplersTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream output = new ByteArrayOutputStream();

    private Launcher launcher() {
        return new Launcher(ProjectLayout.find(Path.of("")), new RunDirectory(dir.resolve("run")),
                new Launcher.Options(LoopbackDeployment.TEST_JVM_ARGS, false, false, Duration.ofSeconds(120),
                        new PrintStream(output, true, StandardCharsets.UTF_8)));
    }

    private DeploymentPlan plan(String dopplerInstances) throws Exception {
        Path manifest = dir.resolve("manifest.yml");
        Files.writeString(manifest, "doppler:\n  instances:\n" + dopplerInstances
                + "traffic_controller: {auth: {disable_access_control: true}}\n");
        return DeploymentPlan.of(ManifestLoader.load(manifest), manifest, Set.of("doppler-0", "doppler-1"), false);
    }

    private static String doppler(int grpc, int health) {
        return "    - {grpc_port: " + grpc + ", ws_port: " + FreePorts.next() + ", tcp_port: 0, udp_port: 0, health_port: " + health + "}\n";
    }

    @Test
    void upWaitsForEveryDopplerToBeHealthyAndARestartedOneComesBack() throws Exception {
        int health0 = FreePorts.next();
        int health1 = FreePorts.next();
        try (RunningSystem system = launcher().up(plan(doppler(FreePorts.next(), health0) + doppler(FreePorts.next(), health1)))) {
            assertTrue(HealthProbe.healthy(URI.create("http://127.0.0.1:" + health0 + "/health")));
            assertTrue(HealthProbe.healthy(URI.create("http://127.0.0.1:" + health1 + "/health")));

            system.kill("doppler-1");
            assertFalse(HealthProbe.healthy(URI.create("http://127.0.0.1:" + health1 + "/health")));
            assertEquals(1, launcher().status(), "status reports the dead Doppler");

            system.restart("doppler-1");
            assertTrue(HealthProbe.healthy(URI.create("http://127.0.0.1:" + health1 + "/health")));
            assertEquals(0, launcher().status());
        }
    }

    @Test
    void aDopplerThatCannotBindIsReportedWithItsLogAndTheOthersAreStopped() throws Exception {
        int health0 = FreePorts.next();
        try (ServerSocket occupied = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int taken = occupied.getLocalPort();
            DeploymentPlan plan = plan(doppler(FreePorts.next(), health0) + doppler(taken, FreePorts.next()));

            LaunchException failure = assertThrows(LaunchException.class, () -> launcher().up(plan));

            assertTrue(failure.getMessage().startsWith("doppler-1 exited during startup; last lines of"), failure.getMessage());
            assertTrue(failure.getMessage().contains(Integer.toString(taken)), "the log's end names the port: " + failure.getMessage());
            assertTrue(failure.getMessage().contains("the other components were stopped"), failure.getMessage());
            assertFalse(HealthProbe.healthy(URI.create("http://127.0.0.1:" + health0 + "/health")), "doppler-0 was stopped");
        }
    }
}
