package dev.loggregator.cli.process;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loggregator.cli.ExitCode;
import dev.loggregator.testsupport.DeadPort;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.cloudfoundry.dropsonde.events.LogFactory.LogMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code logs} program, as a process, against a real Doppler and Traffic Controller:
 * every command, the output formats, errors with their exit codes, Ctrl-C and reconnection.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LogsCommandProcessTest {
    private static final Duration LONG = Duration.ofSeconds(90);
    /** A zone with a half-hour offset shows the local zone really is applied. */
    private static final String ZONE = "Asia/Kolkata";
    private static final String LINE = "^   \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d\\d\\+0530 \\[APP/PROC/WEB/0\\] ";
    private static Deployment deployment;

    @TempDir
    Path dir;

    @BeforeAll
    static void startDeployment() throws Exception {
        deployment = Deployment.start();
    }

    @AfterAll
    static void stopDeployment() {
        if (deployment != null) {
            deployment.close();
        }
    }

    /** The environment of a user who ran `logs target` and `logs login` as an admin. */
    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("LOGS_CONFIG", dir.resolve("config.json").toString());
        env.put("LOGS_ENDPOINT", deployment.endpoint());
        env.put("LOGS_TOKEN", Deployment.adminToken());
        env.put("LOGS_DOPPLER", deployment.doppler());
        env.put("TZ", ZONE);
        return env;
    }

    private static String app() {
        return UUID.randomUUID().toString();
    }

    /**
     * Emits "warm-up" lines until the running tail prints one: the stream is then subscribed all
     * the way to the Doppler, and whatever is emitted next must arrive.
     */
    private void warmUp(LogsRun tail, String app) {
        AtomicInteger n = new AtomicInteger();
        await().atMost(LONG).pollInterval(Duration.ofMillis(500)).until(() -> {
            assertTrue(tail.isAlive(), () -> "tail exited\n" + tail + deployment.logsOfComponents());
            LogsRun emit = LogsRun.run(env(), null, "emit", app, "warm-up " + n.incrementAndGet());
            assertEquals(ExitCode.OK, emit.exitCode(), emit::toString);
            return tail.stdout().contains("warm-up");
        });
    }

    private static String line(long nanos, String type, String text) {
        ZonedDateTime time = Instant.ofEpochSecond(0, nanos).atZone(ZoneId.of(ZONE));
        return String.format("   %04d-%02d-%02dT%02d:%02d:%02d.%02d+0530 [APP/PROC/WEB/0] %s %s", time.getYear(), time.getMonthValue(),
                time.getDayOfMonth(), time.getHour(), time.getMinute(), time.getSecond(), time.getNano() / 10_000_000, type, text);
    }

    @Test
    @Order(1)
    void tailPrintsEmittedLinesInOrderAndCtrlCClosesCleanly() {
        String app = app();
        try (LogsRun tail = LogsRun.start(env(), null, "tail", app)) {
            tail.awaitStderr("tailing logs for app " + app, LONG);
            warmUp(tail, app);
            LogsRun emit = LogsRun.run(env(), "first\nsecond\nthird\n", "emit", app);
            assertEquals(ExitCode.OK, emit.exitCode(), emit::toString);
            await().atMost(LONG).until(() -> tail.stdout().contains("OUT third"));

            tail.interrupt();
            assertEquals(ExitCode.OK, tail.awaitExit(Duration.ofSeconds(30)), tail::toString);
            List<String> lines = tail.stdoutLines().stream().filter(l -> !l.contains("warm-up")).toList();
            assertEquals(3, lines.size(), tail::toString);
            assertTrue(lines.get(0).matches(LINE + "OUT first$"), lines.get(0));
            assertTrue(lines.get(1).matches(LINE + "OUT second$"), lines.get(1));
            assertTrue(lines.get(2).matches(LINE + "OUT third$"), lines.get(2));
            assertFalse(tail.stdout().contains("\u001b["), "no colour when stdout is not a terminal");
            assertFalse(tail.stderr().contains("error"), tail::toString);
        }
    }

    @Test
    @Order(1)
    void tailReordersLinesThatArriveOutOfOrder() {
        String app = app();
        try (LogsRun tail = LogsRun.start(env(), null, "tail", app)) {
            tail.awaitStderr("tailing logs", LONG);
            warmUp(tail, app);
            long now = System.currentTimeMillis() * 1_000_000L;
            deployment.emitV1(List.of(
                    V1Envelopes.log(app, "third", now + 20_000_000L, LogMessage.MessageType.OUT),
                    V1Envelopes.log(app, "first", now, LogMessage.MessageType.OUT),
                    V1Envelopes.log(app, "second", now + 10_000_000L, LogMessage.MessageType.ERR)));
            await().atMost(LONG).until(() -> tail.stdout().contains("OUT third"));
            tail.interrupt();
            assertEquals(ExitCode.OK, tail.awaitExit(Duration.ofSeconds(30)), tail::toString);
            List<String> lines = tail.stdoutLines().stream().filter(l -> !l.contains("warm-up")).toList();
            assertEquals(List.of(line(now, "OUT", "first"), line(now + 10_000_000L, "ERR", "second"),
                    line(now + 20_000_000L, "OUT", "third")), lines);
        }
    }

    @Test
    @Order(2)
    void recentSortsStablyByTimestampAndRepeatsTheHeaderOfMultiLineMessages() {
        String app = app();
        long base = (System.currentTimeMillis() - 60_000) * 1_000_000L;
        long second = 1_000_000_000L;
        deployment.emitV1(List.of(
                V1Envelopes.log(app, "c", base + 3 * second, LogMessage.MessageType.OUT),
                V1Envelopes.log(app, "a", base + second, LogMessage.MessageType.OUT),
                V1Envelopes.log(app, "b1", base + 2 * second, LogMessage.MessageType.ERR),
                V1Envelopes.log(app, "b2", base + 2 * second, LogMessage.MessageType.OUT),
                V1Envelopes.log(app, "trace line 1\n\tat line 2\r\n", base + 4 * second, LogMessage.MessageType.ERR)));
        List<String> expected = List.of(
                line(base + second, "OUT", "a"),
                line(base + 2 * second, "ERR", "b1"),
                line(base + 2 * second, "OUT", "b2"),
                line(base + 3 * second, "OUT", "c"),
                line(base + 4 * second, "ERR", "trace line 1"),
                line(base + 4 * second, "ERR", "\tat line 2"));
        AtomicReference<LogsRun> recent = new AtomicReference<>();
        await().atMost(LONG).pollInterval(Duration.ofMillis(300)).until(() -> {
            recent.set(LogsRun.run(env(), null, "recent", app));
            return recent.get().stdoutLines().size() >= expected.size();
        });
        assertEquals(ExitCode.OK, recent.get().exitCode(), recent.get()::toString);
        assertEquals(expected, recent.get().stdoutLines());

        LogsRun tailRecent = LogsRun.run(env(), null, "tail", app, "--recent");
        assertEquals(ExitCode.OK, tailRecent.exitCode(), tailRecent::toString);
        assertEquals(expected, tailRecent.stdoutLines());

        LogsRun newest = LogsRun.run(env(), null, "recent", app, "--max-lines", "2");
        assertEquals(expected.subList(4, 6), newest.stdoutLines(), newest::toString);

        LogsRun json = LogsRun.run(env(), null, "recent", app, "--json");
        assertEquals(ExitCode.OK, json.exitCode(), json::toString);
        List<JsonNode> objects = json.stdoutLines().stream().map(LogsCommandProcessTest::json).toList();
        assertEquals(5, objects.size(), json::toString);
        JsonNode last = objects.get(4);
        assertEquals("LogMessage", last.get("eventType").asText());
        assertEquals("test-agent", last.get("origin").asText());
        assertEquals("trace line 1\n\tat line 2\r\n", last.get("logMessage").get("message").asText());
        assertEquals("ERR", last.get("logMessage").get("messageType").asText());
        assertEquals(app, last.get("logMessage").get("appId").asText());
        assertEquals(base + 4 * second, last.get("logMessage").get("timestamp").asLong());
        assertEquals(List.of("a", "b1", "b2", "c"), objects.subList(0, 4).stream().map(o -> o.get("logMessage").get("message").asText()).toList());
    }

    @Test
    @Order(2)
    void errLinesAreRedOnlyOnATerminal() {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "needs util-linux script for a pseudo-terminal");
        String app = app();
        long now = System.currentTimeMillis() * 1_000_000L;
        deployment.emitV1(List.of(V1Envelopes.log(app, "fine", now, LogMessage.MessageType.OUT),
                V1Envelopes.log(app, "broken", now + 1_000_000L, LogMessage.MessageType.ERR)));
        await().atMost(LONG).pollInterval(Duration.ofMillis(300))
                .until(() -> LogsRun.run(env(), null, "recent", app).stdoutLines().size() == 2);

        LogsRun terminal = LogsRun.runOnTerminal(env(), "recent", app);
        assertEquals(ExitCode.OK, terminal.exitCode(), terminal::toString);
        List<String> lines = terminal.stdout().lines().filter(l -> l.contains("[APP/PROC/WEB/0]")).toList();
        assertEquals(2, lines.size(), terminal::toString);
        assertFalse(lines.get(0).contains("\u001b["), lines.get(0));
        assertTrue(lines.get(1).matches("^   \u001b\\[31m.*ERR broken\u001b\\[0m\r?$"), lines.get(1));

        LogsRun noColor = LogsRun.runOnTerminal(env(), "recent", app, "--no-color");
        assertFalse(noColor.stdout().contains("\u001b[31m"), noColor::toString);
        assertTrue(noColor.stdout().contains("ERR broken"), noColor::toString);
    }

    @Test
    @Order(3)
    void tailJsonPrintsOneObjectPerLine() {
        String app = app();
        try (LogsRun tail = LogsRun.start(env(), null, "tail", app, "--json")) {
            tail.awaitStderr("tailing logs", LONG);
            warmUp(tail, app);
            LogsRun emit = LogsRun.run(env(), "multi\nline\n", "emit", app, "--err", "--source-type", "APP/PROC/WEB", "--instance", "0");
            assertEquals(ExitCode.OK, emit.exitCode(), emit::toString);
            await().atMost(LONG).until(() -> tail.stdout().contains("\"line\""));
            tail.interrupt();
            assertEquals(ExitCode.OK, tail.awaitExit(Duration.ofSeconds(30)), tail::toString);
            List<JsonNode> objects = tail.stdoutLines().stream().map(LogsCommandProcessTest::json)
                    .filter(o -> !o.get("logMessage").get("message").asText().startsWith("warm-up")).toList();
            assertEquals(List.of("multi", "line"), objects.stream().map(o -> o.get("logMessage").get("message").asText()).toList());
            assertEquals("ERR", objects.get(0).get("logMessage").get("messageType").asText());
            assertEquals(app, objects.get(0).get("tags").get("source_id").asText(), "v2 emit: source_id tag from the converter");
        }
    }

    @Test
    @Order(4)
    void firehoseFiltersByType() {
        String app = app();
        try (LogsRun logsOnly = LogsRun.start(env(), null, "firehose", "--filter", "logs", "--json", "--max-lines", "3");
             LogsRun metricsOnly = LogsRun.start(env(), null, "firehose", "--filter", "metrics", "--max-lines", "3")) {
            logsOnly.awaitStderr("streaming the firehose", LONG);
            metricsOnly.awaitStderr("streaming the firehose", LONG);
            AtomicInteger n = new AtomicInteger();
            await().atMost(LONG).pollInterval(Duration.ofMillis(300)).until(() -> {
                int i = n.incrementAndGet();
                deployment.emitV1(List.of(V1Envelopes.log(app, "firehose " + i, System.currentTimeMillis() * 1_000_000L, LogMessage.MessageType.OUT),
                        V1Envelopes.valueMetric("test.metric", i)));
                return !logsOnly.isAlive() && !metricsOnly.isAlive();
            });
            assertEquals(ExitCode.OK, logsOnly.exitCode(), logsOnly::toString);
            assertEquals(ExitCode.OK, metricsOnly.exitCode(), metricsOnly::toString);
            List<String> logs = logsOnly.stdoutLines();
            assertEquals(3, logs.size(), logsOnly::toString);
            logs.forEach(l -> assertEquals("LogMessage", json(l).get("eventType").asText(), l));
            List<String> metrics = metricsOnly.stdoutLines();
            assertEquals(3, metrics.size(), metricsOnly::toString);
            metrics.forEach(l -> assertTrue(l.matches("^   \\S+ (ValueMetric|CounterEvent|ContainerMetric|HttpStartStop|Error) .*"), l));
        }
    }

    @Test
    @Order(5)
    void metricsPrintsATablePerInstance() {
        String app = app();
        AtomicReference<LogsRun> metrics = new AtomicReference<>();
        await().atMost(LONG).pollInterval(Duration.ofMillis(300)).until(() -> {
            deployment.emitV1(List.of(
                    V1Envelopes.containerMetric(app, 1, 12.345, 512L << 20, 1L << 30, 1L << 30, 2L << 30),
                    V1Envelopes.containerMetric(app, 0, 0.5, 26_738_688L, 1L << 30, 100L << 20, 1L << 30)));
            metrics.set(LogsRun.run(env(), null, "metrics", app));
            return metrics.get().stdoutLines().size() == 3;
        });
        assertEquals(ExitCode.OK, metrics.get().exitCode(), metrics.get()::toString);
        assertEquals(List.of(
                "instance   cpu     memory        disk",
                "#0         0.5%    25.5M of 1G   100M of 1G",
                "#1         12.3%   512M of 1G    1G of 2G"), metrics.get().stdoutLines());
        LogsRun query = LogsRun.run(env(), null, "metrics", "--query", "cpu{source_id=\"" + app + "\",instance_id=\"1\"}");
        assertEquals(ExitCode.OK, query.exitCode(), query::toString);
        assertTrue(query.stdout().strip().endsWith(" 12.345") && query.stdout().contains("instance_id=\"1\""), query::toString);
    }

    @Test
    @Order(6)
    void emitReadsStdinAndRecentSeesEveryLine() {
        String app = app();
        StringBuilder input = new StringBuilder();
        for (int i = 1; i <= 250; i++) {
            input.append("line ").append(i).append('\n');
        }
        LogsRun emit = LogsRun.run(env(), input.toString(), "emit", app);
        assertEquals(ExitCode.OK, emit.exitCode(), emit::toString);
        AtomicReference<LogsRun> recent = new AtomicReference<>();
        await().atMost(LONG).pollInterval(Duration.ofMillis(300)).until(() -> {
            recent.set(LogsRun.run(env(), null, "recent", app, "--max-lines", "100"));
            return recent.get().stdout().contains("OUT line 250");
        });
        List<String> lines = recent.get().stdoutLines();
        assertEquals(100, lines.size(), "the Doppler keeps the newest 100 per app");
        for (int i = 0; i < 100; i++) {
            assertTrue(lines.get(i).endsWith("OUT line " + (151 + i)), lines.get(i));
        }
    }

    @Test
    @Order(7)
    void errorsAreOneLineWithDocumentedExitCodes() {
        String app = app();
        Map<String, String> badToken = env();
        badToken.put("LOGS_TOKEN", "not-a-jwt");
        for (String command : List.of("tail", "recent")) {
            LogsRun run = LogsRun.run(badToken, null, command, app);
            assertEquals(ExitCode.UNAUTHORIZED, run.exitCode(), run::toString);
            assertTrue(run.stderr().matches("logs: not authorized by \\S+ \\(HTTP 401.*\\); run `logs login` to store a fresh token\\n"), run.stderr());
        }

        Map<String, String> plainUser = env();
        plainUser.put("LOGS_TOKEN", Deployment.token(Duration.ofHours(1), "openid"));
        for (String command : List.of("tail", "recent", "metrics")) {
            LogsRun run = LogsRun.run(plainUser, null, command, app);
            assertEquals(ExitCode.NOT_FOUND, run.exitCode(), run::toString);
            assertTrue(run.stderr().startsWith("logs: app '" + app + "' not found, or you may not read its "), run.stderr());
            assertEquals(1, run.stderr().lines().count(), run.stderr());
        }
        LogsRun firehose = LogsRun.run(plainUser, null, "firehose");
        assertEquals(ExitCode.UNAUTHORIZED, firehose.exitCode(), firehose::toString);

        deployment.cloudController().allow(app);
        // The Traffic Controller caches the earlier denial for cache_seconds (1 s): wait it out.
        await().atMost(Duration.ofSeconds(30)).until(() -> LogsRun.run(plainUser, null, "recent", app).exitCode() == ExitCode.OK);

        try (DeadPort dead = new DeadPort()) {
            Map<String, String> nowhere = env();
            nowhere.put("LOGS_ENDPOINT", "ws://" + dead.address());
            for (String command : List.of("tail", "recent")) {
                LogsRun run = LogsRun.run(nowhere, null, command, app);
                assertEquals(ExitCode.UNREACHABLE, run.exitCode(), run::toString);
                assertTrue(run.stderr().matches("logs: cannot reach \\S+: connection refused\\n"), run.stderr());
            }
            LogsRun emit = LogsRun.run(env(), null, "emit", app, "--doppler", dead.address(), "hello");
            assertEquals(ExitCode.UNREACHABLE, emit.exitCode(), emit::toString);
            assertTrue(emit.stderr().startsWith("logs: cannot reach the Doppler at 127.0.0.1:"), emit.stderr());
        }

        LogsRun badArgs = LogsRun.run(env(), null, "tail", app, "--max-lines", "many");
        assertEquals(ExitCode.USAGE, badArgs.exitCode(), badArgs::toString);
    }

    @Test
    @Order(8)
    void aRejectedTokenIsRefreshedThroughTheTokenCommand() throws Exception {
        String app = app();
        Path tokenFile = dir.resolve("fresh-token");
        Files.writeString(tokenFile, Deployment.adminToken() + "\n");
        Path config = dir.resolve("config.json");
        Files.writeString(config, "{\"endpoint\": \"" + deployment.endpoint() + "\", \"token\": \"bearer stale\","
                + " \"token_command\": \"cat " + tokenFile + "\"}");
        Files.setPosixFilePermissions(config, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Map<String, String> env = new HashMap<>(Map.of("LOGS_CONFIG", config.toString(), "TZ", ZONE));

        LogsRun recent = LogsRun.run(env, null, "recent", app);
        assertEquals(ExitCode.OK, recent.exitCode(), recent::toString);
        assertTrue(recent.stderr().contains("token rejected; fetching a fresh one"), recent::toString);
        assertTrue(Files.readString(config).contains(Deployment.adminToken().substring(0, 20)), "the fresh token is stored");

        Files.writeString(config, Files.readString(config).replaceFirst("\"token\" : \"[^\"]*\"", "\"token\" : \"bearer stale-again\""));
        try (LogsRun tail = LogsRun.start(env, null, "tail", app)) {
            tail.awaitStderr("tailing logs for app " + app, LONG);
            assertTrue(tail.stderr().contains("token rejected; fetching a fresh one"), tail::toString);
            tail.interrupt();
            assertEquals(ExitCode.OK, tail.awaitExit(Duration.ofSeconds(30)), tail::toString);
        }
    }

    @Test
    @Order(9)
    void timeoutAndMaxLinesMakeItScriptable() {
        String app = app();
        LogsRun quiet = LogsRun.run(env(), null, "tail", app, "--timeout", "1s");
        assertEquals(ExitCode.OK, quiet.exitCode(), quiet::toString);
        LogsRun waiting = LogsRun.run(env(), null, "tail", app, "--timeout", "1500ms", "--max-lines", "1");
        assertEquals(ExitCode.TIMEOUT, waiting.exitCode(), waiting::toString);
        LogsRun firehose = LogsRun.run(env(), null, "firehose", "--max-lines", "2");
        assertEquals(ExitCode.OK, firehose.exitCode(), firehose::toString);
        assertEquals(2, firehose.stdoutLines().size(), firehose::toString);
    }

    @Test
    @Order(10)
    void tailReconnectsAfterTheTrafficControllerRestarts() {
        String app = app();
        try (LogsRun tail = LogsRun.start(env(), null, "tail", app)) {
            tail.awaitStderr("tailing logs", LONG);
            warmUp(tail, app);

            deployment.stopTrafficController();
            tail.awaitStderr("lost (", LONG);
            tail.awaitStderr("retrying in", LONG);
            deployment.startTrafficController();
            tail.awaitStderr("reconnected to " + deployment.endpoint(), LONG);

            List<String> before = new ArrayList<>(tail.stdoutLines());
            AtomicInteger n = new AtomicInteger();
            await().atMost(LONG).pollInterval(Duration.ofMillis(500)).until(() -> {
                LogsRun emit = LogsRun.run(env(), null, "emit", app, "after restart " + n.incrementAndGet());
                assertEquals(ExitCode.OK, emit.exitCode(), emit::toString);
                return tail.stdout().contains("OUT after restart");
            });
            assertTrue(tail.stdoutLines().size() > before.size());
            tail.interrupt();
            assertEquals(ExitCode.OK, tail.awaitExit(Duration.ofSeconds(30)), tail::toString);
        }
    }

    private static JsonNode json(String line) {
        try {
            return new ObjectMapper().readTree(line);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + line, e);
        }
    }
}
