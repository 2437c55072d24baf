package dev.loggregator.cli.process;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.util.JsonFormat;
import dev.loggregator.cli.ExitCode;
import dev.loggregator.wire.ingress.V2IngressClient;
import java.nio.charset.StandardCharsets;
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
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Counter;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Log;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code logs} as a process against a real Doppler and Traffic Controller: tail and firehose
 * through the v2 read API ({@code /v2/read}), v2 JSON exactly as the gateway encodes it, the
 * gap-free {@code tail --recent N} and the new line options of {@code recent}, both read from the
 * Traffic Controller's Log Cache.
 */
class V2AndRecentProcessTest {
    private static final Duration LONG = Duration.ofSeconds(90);
    private static final String ZONE = "Asia/Kolkata";
    private static Deployment deployment;
    private static V2IngressClient ingress;

    @TempDir
    Path dir;

    @BeforeAll
    static void startDeployment() throws Exception {
        deployment = Deployment.start();
        String[] doppler = deployment.doppler().split(":");
        ingress = new V2IngressClient(doppler[0], Integer.parseInt(doppler[1]));
    }

    @AfterAll
    static void stopDeployment() {
        if (ingress != null) {
            ingress.close();
        }
        if (deployment != null) {
            deployment.close();
        }
    }

    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("LOGS_CONFIG", dir.resolve("config.json").toString());
        env.put("LOGS_ENDPOINT", deployment.endpoint());
        env.put("LOGS_TOKEN", Deployment.adminToken());
        env.put("TZ", ZONE);
        return env;
    }

    private static long now() {
        return System.currentTimeMillis() * 1_000_000L;
    }

    private static Envelope log(String app, String text, long timestamp) {
        return Envelope.newBuilder().setTimestamp(timestamp).setSourceId(app).setInstanceId("0")
                .putTags("source_type", "APP/PROC/WEB").putTags("origin", "rep").putTags("app_name", "web")
                .setLog(Log.newBuilder().setPayload(ByteString.copyFromUtf8(text)).setType(Log.Type.OUT)).build();
    }

    private static void send(Envelope envelope) {
        ingress.send(envelope);
        ingress.flush();
    }

    /** Sends warm-up lines until the running command prints one: its subscription then reaches the Doppler. */
    private static void warmUp(LogsRun run, String app) {
        AtomicInteger n = new AtomicInteger();
        await().atMost(LONG).pollInterval(Duration.ofMillis(300)).until(() -> {
            assertTrue(run.isAlive(), () -> "exited\n" + run + deployment.logsOfComponents());
            send(log(app, "warm-up " + n.incrementAndGet(), now()));
            return run.stdout().contains("warm-up");
        });
    }

    private static String cfLine(long nanos, String text) {
        ZonedDateTime time = Instant.ofEpochSecond(0, nanos).atZone(ZoneId.of(ZONE));
        return String.format("   %04d-%02d-%02dT%02d:%02d:%02d.%02d+0530 [APP/PROC/WEB/0] OUT %s", time.getYear(), time.getMonthValue(),
                time.getDayOfMonth(), time.getHour(), time.getMinute(), time.getSecond(), time.getNano() / 10_000_000, text);
    }

    @Test
    void tailV2PrintsTheCfLinesOfWhatWasSent() {
        String app = UUID.randomUUID().toString();
        try (LogsRun tail = LogsRun.start(env(), null, "tail", app, "--v2")) {
            tail.awaitStderr("(v2 read API), tailing logs for app " + app, LONG);
            warmUp(tail, app);
            long t = now();
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                send(log(app, "v2 line " + i, t + i));
                expected.add(cfLine(t + i, "v2 line " + i));
            }
            await().atMost(LONG).until(() -> tail.stdout().contains("v2 line 4"));
            tail.interrupt();
            assertEquals(ExitCode.OK, tail.awaitExit(Duration.ofSeconds(30)), tail::toString);
            assertEquals(expected, tail.stdoutLines().stream().filter(l -> !l.contains("warm-up")).toList(), tail::toString);
        }
    }

    @Test
    void v2JsonIsEachEnvelopeAsTheGatewayEncodesItOnePerLine() throws Exception {
        String app = UUID.randomUUID().toString();
        try (LogsRun tail = LogsRun.start(env(), null, "tail", app, "--v2", "--json");
             LogsRun firehose = LogsRun.start(env(), null, "firehose", "--v2", "--json")) {
            tail.awaitStderr("tailing logs", LONG);
            firehose.awaitStderr("streaming the firehose (shard id ", LONG);
            // JSON carries the text in base64: warm up until both print a line of the app.
            await().atMost(LONG).pollInterval(Duration.ofMillis(300)).until(() -> {
                send(log(app, "warm-up", now()));
                String ofApp = "\"source_id\":\"" + app + "\"";
                return tail.stdout().contains(ofApp) && firehose.stdout().contains(ofApp);
            });
            Envelope sent = log(app, "as json \u00e9\n\"quoted\"", now());
            Envelope counter = Envelope.newBuilder().setTimestamp(now()).setSourceId(app).setInstanceId("1")
                    .putTags("origin", "test").setCounter(Counter.newBuilder().setName("requests").setDelta(3).setTotal(42)).build();
            send(sent);
            send(counter);
            String expectedLog = new String(dev.loggregator.wire.v2.json.EnvelopeJson.encode(sent), StandardCharsets.UTF_8);
            String expectedCounter = new String(dev.loggregator.wire.v2.json.EnvelopeJson.encode(counter), StandardCharsets.UTF_8);
            await().atMost(LONG).until(() -> tail.stdoutLines().contains(expectedLog)
                    && firehose.stdoutLines().contains(expectedLog) && firehose.stdoutLines().contains(expectedCounter));
            Envelope.Builder parsed = Envelope.newBuilder();
            JsonFormat.parser().merge(expectedLog, parsed);
            assertEquals(sent, parsed.build(), "the line reads back strictly as the envelope sent");
            assertTrue(tail.stdoutLines().stream().noneMatch(l -> l.contains("\"counter\"")), "tail shows logs only");
        }
    }

    @Test
    void firehoseV2FiltersByTypeFlags() {
        String app = UUID.randomUUID().toString();
        try (LogsRun metrics = LogsRun.start(env(), null, "firehose", "--v2", "--filter", "metrics");
             LogsRun logs = LogsRun.start(env(), null, "firehose", "--v2", "--filter", "logs", "--subscription-id", "cli-" + app)) {
            metrics.awaitStderr("streaming the firehose", LONG);
            logs.awaitStderr("streaming the firehose (shard id cli-" + app + ")", LONG);
            warmUp(logs, app);
            await().atMost(LONG).pollInterval(Duration.ofMillis(300)).until(() -> {
                send(Envelope.newBuilder().setTimestamp(now()).setSourceId(app).putTags("origin", "test")
                        .setCounter(Counter.newBuilder().setName("hits-" + app).setDelta(1).setTotal(1)).build());
                return metrics.stdout().contains("CounterEvent test hits-" + app + " +1 total=1");
            });
            assertTrue(metrics.stdoutLines().stream().noneMatch(l -> l.contains("warm-up")), metrics::toString);
            assertTrue(logs.stdoutLines().stream().noneMatch(l -> l.contains("hits-" + app)), logs::toString);
        }
    }

    @Test
    void tailRecentNPrintsTheNewestNThenFollowsWithoutGapOrRepeat() {
        String app = UUID.randomUUID().toString();
        long t = now();
        for (int i = 1; i <= 5; i++) {
            send(log(app, "before " + i, t + i));
        }
        await().atMost(LONG).until(() -> LogsRun.run(env(), null, "recent", app).stdout().contains("before 5"));
        try (LogsRun tail = LogsRun.start(env(), null, "tail", app, "--recent", "3")) {
            tail.awaitStderr("tailing logs for app " + app, LONG);
            await().atMost(LONG).until(() -> tail.stdout().contains("before 5"));
            long later = now();
            // Sent once the stream is up: each must show once, whether it came live, from the store or both.
            AtomicInteger n = new AtomicInteger();
            await().atMost(LONG).pollInterval(Duration.ofMillis(300)).until(() -> {
                send(log(app, "after " + n.incrementAndGet(), later + n.get()));
                return tail.stdout().contains("after ");
            });
            int last = n.get();
            for (int i = last + 1; i <= last + 3; i++) {
                send(log(app, "after " + i, later + i));
            }
            await().atMost(LONG).until(() -> tail.stdout().contains("after " + (last + 3)));
            tail.interrupt();
            assertEquals(ExitCode.OK, tail.awaitExit(Duration.ofSeconds(30)), tail::toString);
            List<String> expected = new ArrayList<>(List.of(cfLine(t + 3, "before 3"), cfLine(t + 4, "before 4"), cfLine(t + 5, "before 5")));
            for (int i = 1; i <= last + 3; i++) {
                expected.add(cfLine(later + i, "after " + i));
            }
            assertEquals(expected, tail.stdoutLines(), tail::toString);
        }
    }

    @Test
    void recentTakesLinesSinceFormatAndTimestamps() {
        String app = UUID.randomUUID().toString();
        long t = now();
        send(log(app, "old", t - 3_600_000_000_000L));
        send(log(app, "two\nlines\n", t));
        AtomicReference<LogsRun> all = new AtomicReference<>();
        await().atMost(LONG).until(() -> {
            all.set(LogsRun.run(env(), null, "recent", app));
            return all.get().stdout().contains("lines");
        });
        assertEquals(3, all.get().stdoutLines().size(), all.get()::toString);

        LogsRun cf8 = LogsRun.run(env(), null, "recent", app, "--since", "10m", "--format", "cf8", "--timestamps");
        assertEquals(ExitCode.OK, cf8.exitCode(), cf8::toString);
        String prefix = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'")
                .withZone(java.time.ZoneOffset.UTC).format(Instant.ofEpochSecond(0, t));
        assertEquals(List.of(prefix + cfLine(t, "two"), prefix + cfLine(t, "lines"), prefix + cfLine(t, "")), cf8.stdoutLines(),
                "cf8 prints the empty piece after the last newline, as cf CLI v7+ does");

        LogsRun newest = LogsRun.run(env(), null, "recent", app, "--lines", "1");
        assertEquals(List.of(cfLine(t, "two"), cfLine(t, "lines")), newest.stdoutLines(), newest::toString);
        LogsRun future = LogsRun.run(env(), null, "recent", app, "--since-time", "2200-01-01T00:00:00+02:00");
        assertEquals(ExitCode.OK, future.exitCode(), future::toString);
        assertEquals(List.of(), future.stdoutLines());
    }
}
