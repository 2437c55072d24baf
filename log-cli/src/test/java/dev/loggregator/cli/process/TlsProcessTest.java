package dev.loggregator.cli.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.cli.ExitCode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `logs` against a Traffic Controller serving wss:// and https:// with a self-signed certificate. */
class TlsProcessTest {
    @TempDir
    static Path certificates;

    @TempDir
    Path dir;

    private static SelfSignedCertificate certificate;
    private static Deployment deployment;

    @BeforeAll
    static void start() throws Exception {
        certificate = SelfSignedCertificate.create(certificates);
        deployment = Deployment.start(certificate);
    }

    @AfterAll
    static void stop() {
        if (deployment != null) {
            deployment.close();
        }
    }

    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("LOGS_CONFIG", dir.resolve("config.json").toString());
        env.put("LOGS_ENDPOINT", deployment.endpoint());
        env.put("LOGS_TOKEN", Deployment.adminToken());
        return env;
    }

    @Test
    void anUntrustedCertificateFailsWithAHint() {
        String app = UUID.randomUUID().toString();
        for (String command : List.of("tail", "recent")) {
            LogsRun run = LogsRun.run(env(), null, command, app);
            assertEquals(ExitCode.TLS, run.exitCode(), run::toString);
            assertTrue(run.stderr().startsWith("logs: TLS handshake with " + (command.equals("tail") ? "wss" : "https")
                    + "://127.0.0.1:"), run.stderr());
            assertTrue(run.stderr().contains("pass --ca FILE (or --skip-ssl-validation"), run.stderr());
            assertEquals(1, run.stderr().lines().count(), run.stderr());
        }
    }

    @Test
    void theCertificatesCaOrSkippingValidationConnects() {
        String app = UUID.randomUUID().toString();
        LogsRun recent = LogsRun.run(env(), null, "recent", app, "--ca", certificate.cert().toString());
        assertEquals(ExitCode.OK, recent.exitCode(), recent::toString);
        for (String trust : List.of("--ca=" + certificate.cert(), "--skip-ssl-validation")) {
            try (LogsRun tail = LogsRun.start(env(), null, "tail", app, trust)) {
                tail.awaitStderr("connected to wss://127.0.0.1:", Duration.ofSeconds(60));
                tail.interrupt();
                assertEquals(ExitCode.OK, tail.awaitExit(Duration.ofSeconds(30)), tail::toString);
            }
        }

        Map<String, String> configured = env();
        configured.remove("LOGS_ENDPOINT");
        LogsRun target = LogsRun.run(configured, null, "target", deployment.endpoint(), "--ca", certificate.cert().toString());
        assertEquals(ExitCode.OK, target.exitCode(), target::toString);
        LogsRun fromConfig = LogsRun.run(configured, null, "recent", app);
        assertEquals(ExitCode.OK, fromConfig.exitCode(), fromConfig::toString);
    }
}
