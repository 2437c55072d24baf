package dev.loggregator.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.cli.CliContext;
import dev.loggregator.cli.ExitCode;
import dev.loggregator.cli.LogsCommand;
import dev.loggregator.cli.config.ConfigStore;
import dev.loggregator.cli.output.Notices;
import dev.loggregator.testsupport.DeadPort;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Argument handling and configuration commands, run in-process through the same entry point as main. */
class ArgumentsTest {
    /** App ids are GUIDs (names need `logs app`). */
    private static final String APP = "6f1c8a2e-5b7d-4c3e-9a1f-2d4b6c8e0a12";

    @TempDir
    Path dir;

    private final Map<String, String> env = new HashMap<>();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int logs(String... args) {
        out.reset();
        err.reset();
        Notices notices = new Notices(new PrintStream(err, true, StandardCharsets.UTF_8));
        CliContext context = new CliContext(env, new ConfigStore(dir.resolve("config.json"), notices),
                new PrintStream(out, false, StandardCharsets.UTF_8), notices, false, ZoneId.of("UTC"));
        return LogsCommand.execute(context, args);
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void badArgumentsExitTwoWithOneLine() {
        assertEquals(ExitCode.USAGE, logs());
        assertTrue(stderr().contains("missing command"), stderr());
        assertEquals(ExitCode.USAGE, logs("tail"));
        assertEquals("logs: Missing required parameter: 'APP' (see `logs tail --help`)\n", stderr());
        assertEquals(ExitCode.USAGE, logs("frobnicate"));
        assertTrue(stderr().startsWith("logs: Unmatched argument"), stderr());
        assertEquals(ExitCode.USAGE, logs("tail", "app", "--timeout", "soon"));
        assertEquals(ExitCode.USAGE, logs("firehose", "--filter", "everything"));
        assertEquals(ExitCode.USAGE, logs("recent", "app", "--max-lines", "-3"));
        assertEquals(1, stderr().lines().count(), stderr());
    }

    @Test
    void recentAndTailOptionsAreChecked() {
        assertEquals(ExitCode.USAGE, logs("recent", "app", "--since", "10m", "--since-time", "2026-08-20T14:03:00Z"));
        assertTrue(stderr().contains("--since and --since-time exclude each other"), stderr());
        assertEquals(ExitCode.USAGE, logs("recent", "app", "--since-time", "yesterday"));
        assertTrue(stderr().contains("not an RFC 3339 time"), stderr());
        assertEquals(ExitCode.USAGE, logs("recent", "app", "--lines", "-1"));
        assertEquals(ExitCode.USAGE, logs("tail", "app", "--format", "cf9"));
        assertEquals(ExitCode.USAGE, logs("tail", "app", "--recent", "many"));
        assertTrue(stderr().startsWith("logs: Unmatched argument"), "many is no count, so an extra APP: " + stderr());
        assertEquals(1, stderr().lines().count(), stderr());
    }

    @Test
    void tailRecentAloneDumpsAndWithANumberFollows() {
        try (DeadPort dead = new DeadPort()) {
            env.put("LOGS_ENDPOINT", "ws://" + dead.address());
            // Both first ask the endpoint's http form whether it serves Log Cache; neither takes APP as N.
            assertEquals(ExitCode.UNREACHABLE, logs("tail", "app", "--recent"));
            assertTrue(stderr().matches("logs: cannot reach http://127\\.0\\.0\\.1:\\d+: connection refused\\n"), stderr());
            assertEquals(ExitCode.UNREACHABLE, logs("tail", "--recent", "app"));
            assertEquals(ExitCode.UNREACHABLE, logs("tail", "app", "--recent", "5"));
            assertEquals(ExitCode.UNREACHABLE, logs("tail", "app", "--v2"));
            assertTrue(stderr().matches("logs: cannot reach http://127\\.0\\.0\\.1:\\d+: connection refused\\n"), stderr());
        }
    }

    @Test
    void withoutATargetCommandsSayHowToSetOne() {
        assertEquals(ExitCode.USAGE, logs("tail", APP));
        assertEquals("logs: no logging endpoint: run `logs target wss://doppler.<system-domain>:443` or set LOGS_ENDPOINT\n", stderr());
    }

    @Test
    void targetStoresAndShowsTheEndpoint() throws Exception {
        assertEquals(ExitCode.OK, logs("target", "wss://doppler.example.com:443", "--skip-ssl-validation"));
        assertTrue(stdout().contains("endpoint: wss://doppler.example.com:443"), stdout());
        assertTrue(stdout().contains("not verified"), stdout());
        assertTrue(Files.readString(dir.resolve("config.json")).contains("\"skip_ssl_validation\" : true"));

        env.put("LOGS_ENDPOINT", "ws://127.0.0.1:9");
        assertEquals(ExitCode.OK, logs("target"));
        assertTrue(stdout().contains("endpoint: ws://127.0.0.1:9 (from LOGS_ENDPOINT)"), stdout());

        assertEquals(ExitCode.USAGE, logs("target", "doppler.example.com"));
        assertTrue(stderr().contains("must start with ws:// or wss://"), stderr());
    }

    @Test
    void tokenPrintsTheTokenInUse() {
        assertEquals(ExitCode.USAGE, logs("token"));
        assertTrue(stderr().contains("run `logs login`"), stderr());
        assertEquals(ExitCode.OK, logs("token", "stored.jwt.value"));
        assertEquals("", stdout());
        assertEquals(ExitCode.OK, logs("token"));
        assertEquals("bearer stored.jwt.value\n", stdout());
        env.put("LOGS_TOKEN", "abc.def.ghi");
        assertEquals(ExitCode.OK, logs("token"));
        assertEquals("bearer abc.def.ghi\n", stdout());
    }

    @Test
    void loginWithATokenCommandStoresBoth() throws Exception {
        String jwtPayload = java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"user_name\":\"admin\",\"exp\":4102444800}".getBytes(StandardCharsets.UTF_8));
        assertEquals(ExitCode.OK, logs("login", "--token-command", "echo eyJhbGciOiJIUzI1NiJ9." + jwtPayload + ".sig"));
        assertTrue(stdout().contains("stored token of admin, expires 2100-01-01T00:00:00Z"), stdout());
        String config = Files.readString(dir.resolve("config.json"));
        assertTrue(config.contains("\"token_command\""), config);
        assertTrue(config.contains("bearer eyJhbGciOiJIUzI1NiJ9."), config);
    }

    @Test
    void unreachableEndpointExitsThree() {
        try (DeadPort dead = new DeadPort()) {
            env.put("LOGS_ENDPOINT", "ws://" + dead.address());
            assertEquals(ExitCode.UNREACHABLE, logs("recent", APP));
            assertTrue(stderr().matches("logs: cannot reach http://127\\.0\\.0\\.1:\\d+: connection refused\\n"), stderr());
            assertEquals(ExitCode.UNREACHABLE, logs("tail", APP));
            assertTrue(stderr().matches("logs: cannot reach ws://127\\.0\\.0\\.1:\\d+: connection refused\\n"), stderr());
        }
    }

    @Test
    void helpListsExitCodesAndCompletionIsGenerated() {
        assertEquals(ExitCode.OK, logs("--help"));
        assertTrue(stdout().contains("124  --timeout expired"), stdout());
        assertEquals(ExitCode.OK, logs("generate-completion"));
        assertTrue(stdout().contains("complete -F _complete_logs"), stdout().lines().limit(5).toList().toString());
        assertTrue(stdout().contains("firehose"), "subcommands are completed");
    }
}
