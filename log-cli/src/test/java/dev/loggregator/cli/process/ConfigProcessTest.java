package dev.loggregator.cli.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.cli.ExitCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** target / login / token as a user runs them: the config file they write and read. */
class ConfigProcessTest {
    @TempDir
    Path dir;

    @Test
    void loginReadsTheTokenFromStdinAndTheFileIsOwnerOnly() throws Exception {
        Path config = dir.resolve("xdg").resolve("logs").resolve("config.json");
        Map<String, String> env = Map.of("XDG_CONFIG_HOME", dir.resolve("xdg").toString());
        String token = Deployment.token(Duration.ofHours(2), "doppler.firehose");

        LogsRun target = LogsRun.run(env, null, "target", "wss://doppler.example.com:443");
        assertEquals(ExitCode.OK, target.exitCode(), target::toString);
        LogsRun login = LogsRun.run(env, token.substring("bearer ".length()) + "\n", "login");
        assertEquals(ExitCode.OK, login.exitCode(), login::toString);
        assertTrue(login.stdout().startsWith("stored token of tester, expires "), login::toString);

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(config)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(config.getParent())));
        LogsRun print = LogsRun.run(env, null, "token");
        assertEquals(token + "\n", print.stdout(), print::toString);

        LogsRun show = LogsRun.run(env, null, "target");
        assertTrue(show.stdout().contains("endpoint: wss://doppler.example.com:443"), show::toString);
        assertTrue(show.stdout().contains("token:    token of tester"), show::toString);

        LogsRun empty = LogsRun.run(env, "\n", "login");
        assertEquals(ExitCode.USAGE, empty.exitCode(), empty::toString);
    }

    @Test
    void appNamesStandForTheirGuidsAndAnythingElseIsRefusedBeforeAnyRequest() throws Exception {
        Map<String, String> env = Map.of("XDG_CONFIG_HOME", dir.resolve("xdg").toString());
        String guid = "6f1c8a2e-5b7d-4c3e-9a1f-2d4b6c8e0a12";
        assertEquals(ExitCode.OK, LogsRun.run(env, null, "target", "ws://127.0.0.1:1").exitCode());
        LogsRun named = LogsRun.run(env, null, "app", "demo", guid);
        assertEquals(ExitCode.OK, named.exitCode(), named::toString);
        assertEquals(guid + "\n", LogsRun.run(env, null, "app", "demo").stdout());
        assertEquals("demo " + guid + "\n", LogsRun.run(env, null, "app").stdout());
        assertEquals(ExitCode.USAGE, LogsRun.run(env, null, "app", "demo", "not-a-guid").exitCode());

        // A known name goes on to the endpoint (nothing listens there: 3), an unknown one stops at once.
        assertEquals(ExitCode.UNREACHABLE, LogsRun.run(env, null, "recent", "demo").exitCode());
        LogsRun unknown = LogsRun.run(env, null, "recent", "no-such-app");
        assertEquals(ExitCode.USAGE, unknown.exitCode(), unknown::toString);
        assertTrue(unknown.stderr().contains("not an app GUID"), unknown::toString);
    }
}
