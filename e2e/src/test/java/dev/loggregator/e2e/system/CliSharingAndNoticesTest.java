package dev.loggregator.e2e.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.e2e.deployment.LoopbackDeployment;
import dev.loggregator.e2e.ingress.V2Envelopes;
import dev.loggregator.e2e.support.FirehoseOutput;
import dev.loggregator.e2e.support.FirehoseOutput.Notice;
import dev.loggregator.e2e.support.LogsCli;
import dev.loggregator.wire.ingress.V2IngressClient;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Log;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code logs firehose} run as processes against one Doppler and two Traffic Controllers, without
 * the gateway so that each CLI can be pointed at a given Traffic Controller: sharing a subscription
 * with {@code --subscription-id}, and the drop notices a CLI that cannot keep up is shown.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliSharingAndNoticesTest {
    private static final Duration PATIENCE = Duration.ofSeconds(90);

    private LoopbackDeployment deployment;
    private Path cliOnTc0;
    private Path cliOnTc1;

    @BeforeAll
    void start(@TempDir Path dir) {
        deployment = LoopbackDeployment.in(dir).dopplers(1).trafficControllers(2)
                // A CLI whose stdout is not read takes no data: it must be neither cut off as a slow
                // consumer nor, since its reader thread answers no pings then, for keep-alive.
                .trafficController("slow_consumer_timeout_seconds: 300")
                .trafficController("keepalive_seconds: 60")
                .start();
        cliOnTc0 = cliConfig(dir, 0);
        cliOnTc1 = cliConfig(dir, 1);
    }

    /** A CLI config targeting Traffic Controller {@code index}, made with `logs target` and `logs token`. */
    private Path cliConfig(Path dir, int index) {
        Path config = dir.resolve("logs-config-tc" + index + ".json");
        LogsCli.configure(config, "target", deployment.trafficController(index).toString());
        LogsCli.configure(config, "token", deployment.token("operator", "doppler.firehose"));
        return config;
    }

    @AfterAll
    void stop() {
        if (deployment != null) {
            deployment.close();
        }
    }

    private static Envelope log(String app, String text) {
        return V2Envelopes.log(app, "0", "APP/PROC/WEB", Log.Type.OUT, text, System.currentTimeMillis() * 1_000_000L);
    }

    /**
     * Sends warm-up lines until each CLI has printed one: then its subscription reaches the Doppler.
     * CLIs sharing a subscription get each line on one of them, so all of them seeing one takes several.
     */
    private static void awaitSubscribed(V2IngressClient ingress, String app, LogsCli... clis) {
        String warm = "warm-" + app;
        await().atMost(PATIENCE).until(() -> {
            ingress.send(log(warm, "warm-up"));
            for (LogsCli cli : clis) {
                if (FirehoseOutput.messages(cli.stdout(), warm).isEmpty()) {
                    return false;
                }
            }
            return true;
        });
    }

    @Test
    void twoCliFirehosesWithOneSubscriptionIdPrintEachLineOnceBetweenThemAndAThirdIdPrintsAll() {
        String app = UUID.randomUUID().toString();
        String shared = "cli-shared-" + app;
        V2IngressClient ingress = deployment.ingress(0);
        try (LogsCli a = LogsCli.start(cliOnTc0, "firehose", "--subscription-id", shared);
             LogsCli b = LogsCli.start(cliOnTc1, "firehose", "--subscription-id", shared);
             LogsCli other = LogsCli.start(cliOnTc0, "firehose", "--subscription-id", "cli-other-" + app)) {
            awaitSubscribed(ingress, app, a, b, other);
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                String text = "line " + i;
                ingress.send(log(app, text));
                expected.add(text);
            }
            ingress.flush();

            await().atMost(PATIENCE).until(() -> messages(a, app).size() + messages(b, app).size() >= expected.size()
                    && messages(other, app).size() >= expected.size());
            List<String> union = new ArrayList<>(messages(a, app));
            union.addAll(messages(b, app));
            assertEquals(sorted(expected), sorted(union), "each line printed by exactly one of the two sharing CLIs");
            assertFalse(messages(a, app).isEmpty() || messages(b, app).isEmpty(),
                    "the subscription is shared: " + messages(a, app).size() + " / " + messages(b, app).size());
            assertEquals(sorted(expected), sorted(messages(other, app)), "another subscription id prints every line once");
        }
    }

    @Test
    void aCliFirehoseWhoseOutputIsNotReadShowsTheDropNoticesAndEveryLineIsPrintedOrCounted() {
        String app = UUID.randomUUID().toString();
        V2IngressClient ingress = deployment.ingress(0);
        // Logs only: then every envelope dropped for this client is one of our lines, and the notices
        // must account for every line missing from its output.
        try (LogsCli cli = LogsCli.start(cliOnTc0, "firehose", "--filter", "logs")) {
            awaitSubscribed(ingress, app, cli);
            cli.pauseStdout();
            long dropsBefore = firehoseDrops(0);
            AtomicInteger sent = new AtomicInteger();
            String payload = "x".repeat(1000);
            // A round at a time until the Traffic Controller drops for this client: how much the pipe,
            // the socket buffers and its queue take first depends on the kernel's buffer tuning.
            await().atMost(PATIENCE).until(() -> {
                for (int i = 0; i < 2000; i++) {
                    ingress.send(log(app, sent.getAndIncrement() + " " + payload));
                }
                ingress.flush();
                return firehoseDrops(0) > dropsBefore;
            });
            int burst = sent.get();
            cli.resumeStdout();

            // The notice goes out once the client takes data again; lines after the burst show it caught up.
            await().atMost(PATIENCE).until(() -> {
                ingress.send(log(app, sent.getAndIncrement() + " after the burst"));
                return numbers(cli, app).stream().anyMatch(n -> n >= burst);
            });
            await().atMost(PATIENCE).untilAsserted(() -> assertEquals(sent.get(), numbers(cli, app).size() + reportedDrops(cli),
                    "every line printed or counted in a notice; stderr: " + cli.stderr()));

            List<Integer> printed = numbers(cli, app);
            assertEquals(printed.size(), new HashSet<>(printed).size(), "no line printed twice");
            List<Notice> lgr = FirehoseOutput.lgrNotices(cli.stderr());
            List<Notice> counters = FirehoseOutput.counterNotices(cli.stderr());
            assertTrue(lgr.stream().anyMatch(n -> n.origin().equals("LoggregatorTrafficController")),
                    "the Traffic Controller's LGR notice, as the CLI shows it: " + cli.stderr());
            assertEquals(lgr.stream().map(Notice::dropped).toList(), counters.stream().map(Notice::dropped).toList(),
                    "each report's LGR line and counter agree: " + cli.stderr());
        }
    }

    private static List<String> messages(LogsCli cli, String app) {
        return FirehoseOutput.messages(cli.stdout(), app);
    }

    /** The numbers our lines of {@code app} start with, as printed. */
    private static List<Integer> numbers(LogsCli cli, String app) {
        return messages(cli, app).stream().map(text -> Integer.parseInt(text.substring(0, text.indexOf(' ')))).toList();
    }

    private static long reportedDrops(LogsCli cli) {
        return FirehoseOutput.counterNotices(cli.stderr()).stream().mapToLong(Notice::dropped).sum();
    }

    private static List<String> sorted(List<String> texts) {
        return texts.stream().sorted().toList();
    }

    /** What Traffic Controller {@code index} counts in its Prometheus /metrics as dropped for firehose clients. */
    private long firehoseDrops(int index) {
        URI health = deployment.system().process("traffic-controller-" + index).spec().health();
        String metrics = deployment.client(health).get("/metrics", null).text();
        return metrics.lines().filter(line -> line.startsWith("doppler_proxy_dropped_total{endpoint=\"firehose\"}"))
                .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }
}
