package dev.loggregator.e2e.launcher;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.e2e.support.LogsCli;
import dev.loggregator.testsupport.FreePorts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a developer does: {@code bin/loggregator up --demo} on a manifest with access control on,
 * then {@code logs tail demo} with nothing else set up, then {@code status} and {@code down}. The
 * command runs as its own process (as the script runs it), with the run directory, the manifest
 * and the CLI's config file in a temporary directory.
 */
class LoggregatorCommandTest {

    @TempDir
    Path dir;

    private record Run(int exitCode, String output) {
    }

    private Run loggregator(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), LoggregatorCommand.class.getName(),
                "--run-dir", dir.resolve("run").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .directory(ProjectLayout.find(Path.of("")).root().toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(240, TimeUnit.SECONDS), "loggregator " + String.join(" ", args) + " did not finish");
        return new Run(process.exitValue(), output);
    }

    @Test
    void upWithDemoCredentialsTheCliSoLogsTailWorksRightAwayAndDownStopsEverything() throws Exception {
        Path manifest = dir.resolve("dev.yml");
        Files.writeString(manifest, "properties: {logger_endpoint: {port: " + FreePorts.next() + "}}\n"
                + "doppler:\n  instances:\n    - {grpc_port: " + FreePorts.next() + ", ws_port: " + FreePorts.next()
                + ", tcp_port: 0, udp_port: 0, health_port: " + FreePorts.next() + "}\n"
                + "traffic_controller:\n  instances:\n    - {health_port: " + FreePorts.next() + "}\n"
                + "  auth: {jwt: {public_key_pem: '" + dir.resolve("dev/jwt-public.pem") + "', issuer: test-issuer, audience: doppler}}\n");
        Path cliConfig = dir.resolve("logs-config.json");
        Map<String, String> env = Map.of("LOGS_CONFIG", cliConfig.toString(),
                "LOGGREGATOR_JAVA_OPTS", "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
        try {
            Run up = loggregator(env, "up", "--manifest", manifest.toString(), "--demo", "--no-build");
            assertEquals(0, up.exitCode(), up.output());
            assertTrue(up.output().contains("Loggregator is up"), up.output());
            assertTrue(Files.exists(dir.resolve("dev/jwt-private.pem")), "the signing key was created");

            try (LogsCli tail = LogsCli.start(cliConfig, "tail", "demo")) {
                await().atMost(Duration.ofSeconds(60)).until(() -> tail.stdout().stream()
                        .anyMatch(line -> line.contains("[APP/PROC/WEB/") && line.contains(" OUT request #")));
            }

            Run status = loggregator(env, "status");
            assertEquals(0, status.exitCode(), status.output());
            assertTrue(status.output().contains("demo-emitter"), status.output());
        } finally {
            Run down = loggregator(env, "down");
            assertEquals(0, down.exitCode(), down.output());
            assertTrue(down.output().contains("stopped traffic-controller-0"), down.output());
        }
        Run after = loggregator(env, "status");
        assertTrue(after.output().startsWith("not running"), after.output());
    }
}
