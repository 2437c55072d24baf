package dev.loggregator.e2e.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.manifest.Manifest;
import dev.loggregator.manifest.ManifestLoader;
import dev.loggregator.testsupport.FreePorts;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's process handling, exercised with the one component that needs no other module:
 * the demo emitter (it keeps running and retrying while no Doppler listens).
 */
class LauncherTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream output = new ByteArrayOutputStream();

    private Launcher launcher() {
        return new Launcher(new ProjectLayout(Path.of("..")), new RunDirectory(dir.resolve("run")),
                new Launcher.Options(List.of("-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"), false, false,
                        Duration.ofSeconds(60), new PrintStream(output, true, StandardCharsets.UTF_8)));
    }

    private DeploymentPlan demoOnly(String manifestText) throws Exception {
        Path manifestFile = dir.resolve("manifest.yml");
        Files.writeString(manifestFile, manifestText);
        Manifest manifest = ManifestLoader.load(manifestFile);
        return DeploymentPlan.of(manifest, manifestFile, Set.of("demo-emitter"), true);
    }

    @Test
    void upRecordsPidsAndLogsAndDownFromAnotherInvocationStopsThem() throws Exception {
        DeploymentPlan plan = demoOnly("doppler: {instances: [{grpc_port: " + FreePorts.next() + "}]}\n"
                + "traffic_controller: {auth: {disable_access_control: true}}\n");

        RunningSystem system = launcher().up(plan);
        ManagedProcess emitter = system.process("demo-emitter");
        try {
            assertTrue(emitter.isAlive());
            assertEquals(emitter.pid() + "\n", Files.readString(dir.resolve("run/demo-emitter.pid")));
            assertTrue(Files.readString(dir.resolve("run/demo-emitter.log")).contains("starting demo-emitter"));
            assertThrows(LaunchException.class, () -> launcher().up(plan), "a second up must not start a second system");

            assertEquals(0, launcher().status());
            assertEquals(1, launcher().down());

            assertFalse(emitter.isAlive());
            assertFalse(Files.exists(dir.resolve("run/demo-emitter.pid")));
            assertTrue(output.toString(StandardCharsets.UTF_8).contains("stopped demo-emitter"), output.toString(StandardCharsets.UTF_8));
        } finally {
            system.close();
        }
    }

    @Test
    void aComponentThatFailsToStartIsReportedWithTheEndOfItsLog() throws Exception {
        DeploymentPlan plan = demoOnly("doppler: {instances: [{grpc_port: 0}]}\n"
                + "traffic_controller: {auth: {disable_access_control: true}}\n");

        LaunchException failure = assertThrows(LaunchException.class, () -> launcher().up(plan));

        assertTrue(failure.getMessage().startsWith("demo-emitter exited during startup"), failure.getMessage());
        assertTrue(failure.getMessage().contains("no Doppler has a grpc_port"), failure.getMessage());
    }
}
