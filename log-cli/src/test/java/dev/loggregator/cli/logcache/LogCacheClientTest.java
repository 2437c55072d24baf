package dev.loggregator.cli.logcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.loggregator.cli.CliException;
import dev.loggregator.cli.ExitCode;
import dev.loggregator.cli.config.ConfigStore;
import dev.loggregator.cli.config.Target;
import dev.loggregator.cli.config.TokenProvider;
import dev.loggregator.cli.output.Notices;
import dev.loggregator.cli.recent.LogCacheRecent;
import dev.loggregator.cli.recent.LogEntry;
import dev.loggregator.cli.recent.RecentLogs;
import dev.loggregator.cli.tls.TlsOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Gauge;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.GaugeValue;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Log;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Log Cache client against a stand-in speaking the HTTP API of issue 14 (the server side is not
 * on main yet): the requests go-log-cache makes, strict parsing, paging, 429 and 404.
 */
class LogCacheClientTest {
    private static final String APP = "6b1c3e2a-0d4f-4e5a-9b8c-7d6e5f4a3b2c";
    private final FakeLogCache logCache = new FakeLogCache();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        logCache.close();
    }

    private LogCacheClient client() {
        Notices notices = new Notices(new PrintStream(err, true, StandardCharsets.UTF_8));
        TokenProvider tokens = new TokenProvider(new ConfigStore(dir.resolve("config.json"), notices), "bearer a.b.c", null, null);
        Target target = new Target(logCache.endpoint(), tokens, new TlsOptions(false, null));
        return new LogCacheClient(target, target.http(""), Duration.ofSeconds(10), notices, "app '" + APP + "' not found");
    }

    private static Envelope log(long timestamp, String text) {
        return Envelope.newBuilder().setTimestamp(timestamp).setSourceId(APP).setInstanceId("0")
                .putTags("source_type", "APP/PROC/WEB")
                .setLog(Log.newBuilder().setPayload(ByteString.copyFromUtf8(text)).setType(Log.Type.OUT)).build();
    }

    private static List<String> texts(List<LogEntry> entries) {
        return entries.stream().map(e -> e.log().getMessage().toStringUtf8()).toList();
    }

    @Test
    void readsLikeCfLogsRecentAndReturnsTheLogsOldestFirst() {
        logCache.add(log(30, "third"));
        logCache.add(log(10, "first"));
        logCache.add(Envelope.newBuilder().setTimestamp(20).setSourceId(APP)
                .setGauge(Gauge.newBuilder().putMetrics("cpu", GaugeValue.newBuilder().setUnit("percentage").setValue(1).build())).build());
        logCache.add(log(20, "second"));

        List<LogEntry> entries = new LogCacheRecent(client(), APP).newest(1000, RecentLogs.NO_START);

        assertEquals(List.of("first", "second", "third"), texts(entries));
        assertEquals(List.of("/api/v1/info",
                "/api/v1/read/" + APP + "?descending=true&envelope_types=LOG&limit=1000&start_time=-6795364578871345152"),
                logCache.requests);
        assertEquals("bearer a.b.c", logCache.authorizations.get(1));
        assertEquals(log(10, "first"), entries.get(0).v2(), "the v2 envelope read is kept for --json");
        assertEquals("APP/PROC/WEB", entries.get(0).log().getSourceType());
    }

    @Test
    void aLogCacheWithoutInfoIsReadUnderTheOldPrefixAsGoLogCacheDoes() {
        logCache.infoStatus = 404;
        logCache.prefix = "/v1";
        logCache.add(log(10, "old api"));
        assertEquals(LogCacheClient.Api.LEGACY_OR_NONE, client().api());
        assertEquals(List.of("old api"), texts(new LogCacheRecent(client(), APP).newest(5, RecentLogs.NO_START)));
        assertTrue(logCache.requests.get(logCache.requests.size() - 1).startsWith("/v1/read/" + APP + "?"), logCache.requests.toString());
    }

    @Test
    void anInfoWithoutASemanticVersionIsABadAnswer() {
        logCache.infoBody = "{\"version\":\"two\"}";
        CliException bad = assertThrows(CliException.class, () -> client().api());
        assertEquals(ExitCode.SERVER_ERROR, bad.exitCode());
        logCache.infoBody = "{\"version\":\"1.4.7\"}";
        assertEquals(LogCacheClient.Api.LEGACY_OR_NONE, client().api(), "go-log-cache reads 1.x under /v1");
    }

    @Test
    void answersAreParsedStrictly() {
        logCache.readBody = "{\"envelopes\":{\"batch\":[]},\"next\":1}";
        CliException unknownField = assertThrows(CliException.class, () -> client().read(APP, ReadRequest.logs(0, null, 10, true)));
        assertEquals(ExitCode.SERVER_ERROR, unknownField.exitCode());
        logCache.readBody = "{\"envelopes\":{\"batch\":[{\"timestamp\":\"1\",\"sourceId\":\"x\"}]}}";
        assertThrows(CliException.class, () -> client().read(APP, ReadRequest.logs(0, null, 10, true)),
                "json_name is source_id: sourceId is an unknown field, as Go's protojson says");
        logCache.readBody = "{\"envelopes\":{\"batch\":[]}}";
        assertEquals(List.of(), client().read(APP, ReadRequest.logs(0, null, 10, true)));
    }

    @Test
    void everyRefusalIsA404AndSaysSo() {
        logCache.readStatus = 404;
        CliException notFound = assertThrows(CliException.class, () -> client().read(APP, ReadRequest.logs(0, null, 10, true)));
        assertEquals(ExitCode.NOT_FOUND, notFound.exitCode());
        assertTrue(notFound.getMessage().contains("app '" + APP + "' not found") && notFound.getMessage().contains("Log Cache"),
                notFound.getMessage());
    }

    @Test
    void pagesBackInTimeAcrossTimestampsSharedAtAPageBoundary() {
        // 2500 messages, three to a timestamp, so that page boundaries fall inside a timestamp.
        IntStream.range(0, 2500).forEach(i -> logCache.add(log(1_000 + i / 3, "m" + i)));
        List<String> newest = texts(new LogCacheRecent(client(), APP).newest(2500, RecentLogs.NO_START));
        assertEquals(2500, newest.size());
        assertEquals(2500, newest.stream().distinct().count(), "no message twice");
        List<String> some = texts(new LogCacheRecent(client(), APP).newest(1200, RecentLogs.NO_START));
        assertEquals(1200, some.size());
        assertEquals(1200, some.stream().distinct().count());
        assertEquals("m2499", some.get(some.size() - 1));
        // m1299..m1301 share the oldest timestamp taken: any two of them may be the 1200th.
        assertTrue(some.containsAll(IntStream.range(1302, 2500).mapToObj(i -> "m" + i).toList()), "the newest 1200");
    }

    @Test
    void readsEverythingSincePageByPage() {
        IntStream.range(0, 2100).forEach(i -> logCache.add(log(1_000 + i / 2, "m" + i)));
        List<String> since = texts(new LogCacheRecent(client(), APP).since(1_000 + 50));
        assertEquals(2000, since.size());
        assertEquals("m100", since.get(0));
        assertEquals("m2099", since.get(since.size() - 1));
        assertTrue(logCache.requests.stream().anyMatch(r -> r.contains("start_time=1050&")
                || r.endsWith("start_time=1050")), logCache.requests.toString());
    }

    @Test
    void a429HalvesTheLimitAsTheCfCliDoes() {
        logCache.maxLimit = 250;
        IntStream.range(0, 600).forEach(i -> logCache.add(log(1_000 + i, "m" + i)));
        List<String> newest = texts(new LogCacheRecent(client(), APP).newest(1000, RecentLogs.NO_START));
        assertEquals(600, newest.size());
        assertTrue(logCache.requests.stream().anyMatch(r -> r.contains("limit=500")), logCache.requests.toString());
        assertTrue(logCache.requests.stream().anyMatch(r -> r.contains("limit=250")), logCache.requests.toString());
    }
}
