package dev.loggregator.e2e.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.e2e.deployment.LoopbackDeployment;
import dev.loggregator.e2e.ingress.V2Envelopes;
import dev.loggregator.e2e.launcher.LogTail;
import dev.loggregator.e2e.support.LogsCli;
import dev.loggregator.wire.ingress.V2IngressClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Log;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, item 4: a {@code logs tail} through the gateway, on one of two Traffic Controllers, while
 * numbered lines flow at 5,000/s for 16 s; half-way the gateway is killed with SIGKILL and restarted, or
 * the Traffic Controller serving the tail is killed. The tail reconnects, says how long the gap was and
 * fills it from Log Cache: every line is printed exactly once, in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GapFillTest {
    private static final Duration PATIENCE = Duration.ofSeconds(120);
    private static final int PER_SECOND = 5000;
    private static final int SECONDS = 16;
    private static final int BATCH = 50;
    private static final Pattern CF_LINE = Pattern.compile(
            "^   \\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{2}[+-]\\d{4} \\[APP/PROC/WEB/0\\] OUT line (\\d+)$");

    private LoopbackDeployment deployment;
    private Path cliConfig;

    @BeforeAll
    void start(@TempDir Path dir) {
        deployment = LoopbackDeployment.in(dir).dopplers(1).trafficControllers(2).gatewayWithTls()
                .gateway("dead_backend_ttl_ms: 3000")
                .start();
        cliConfig = dir.resolve("logs-config.json");
        LogsCli.configure(cliConfig, "target", deployment.endpoint().toString(), "--ca", deployment.certificate().toString());
        LogsCli.configure(cliConfig, "token", deployment.token("operator", "doppler.firehose", "doppler.admin"));
    }

    @AfterAll
    void stop() {
        if (deployment != null) {
            deployment.close();
        }
    }

    /** First: it needs both Traffic Controllers, and the other test leaves one dead. */
    @Test
    @Order(1)
    void killingAndRestartingTheGatewayUnderATailCostsNoLineAndTheGapIsTold() {
        tailThrough("the gateway killed and restarted", () -> {
            deployment.system().kill("gateway");
            deployment.system().restart("gateway");
        }, () -> "the gateway's log ends with:\n" + String.join("\n", LogTail.lastLines(deployment.system().process("gateway").log(), 30)),
                new int[1]);
    }

    @Test
    @Order(2)
    void killingTheTrafficControllerUnderATailCostsNoLineAndTheGapIsTold() {
        int[] serving = {-1};
        tailThrough("its Traffic Controller killed", () -> deployment.system().kill("traffic-controller-" + serving[0]),
                () -> "the other Traffic Controller's log ends with:\n" + String.join("\n", LogTail.lastLines(
                        deployment.system().process("traffic-controller-" + (1 - serving[0])).log(), 30)),
                serving);
    }

    /** Runs a tail through {@code inject}, half-way; {@code serving[0]} is set to the Traffic Controller serving it first. */
    private void tailThrough(String fault, Runnable inject, Supplier<String> survivorLog, int[] serving) {
        String app = UUID.randomUUID().toString();
        V2IngressClient ingress = deployment.ingress(0);
        int total = PER_SECOND * SECONDS;
        try (LogsCli tail = LogsCli.start(cliConfig, "tail", app)) {
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(500)).until(() -> {
                ingress.send(V2Envelopes.log(app, "0", "APP/PROC/WEB", Log.Type.OUT, "warm-up", System.currentTimeMillis() * 1_000_000L));
                ingress.flush();
                return tail.stdout().stream().anyMatch(l -> l.endsWith("OUT warm-up"));
            });
            serving[0] = servingTrafficController();

            // Paced numbered lines, each stamped later than the one before (as a real emitter's nanosecond clock does).
            CompletableFuture<Void> kill = null;
            long lastStamp = 0;
            long interval = TimeUnit.SECONDS.toNanos(1) * BATCH / PER_SECOND;
            long begin = System.nanoTime();
            for (int b = 0; b < total / BATCH; b++) {
                LockSupport.parkNanos(begin + b * interval - System.nanoTime());
                List<Envelope> batch = new ArrayList<>(BATCH);
                for (int i = 0; i < BATCH; i++) {
                    lastStamp = Math.max(System.currentTimeMillis() * 1_000_000L, lastStamp + 1);
                    batch.add(V2Envelopes.log(app, "0", "APP/PROC/WEB", Log.Type.OUT, "line " + (b * BATCH + i), lastStamp));
                }
                ingress.send(batch);
                if (b == total / BATCH / 2) {
                    kill = CompletableFuture.runAsync(inject);
                }
            }
            ingress.flush();
            kill.join();
            long sendingSeconds = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);

            String last = "OUT line " + (total - 1);
            try {
                await().atMost(PATIENCE).until(() -> tail.stdout().stream().anyMatch(l -> l.endsWith(last)) || !tail.isAlive());
            } catch (ConditionTimeoutException e) {
                // The count below says what is missing, with the tail's stderr.
            }
            List<Integer> numbers = numbers(tail.stdout());
            BitSet seen = new BitSet(total);
            int duplicates = 0;
            int outOfOrder = 0;
            for (int i = 0; i < numbers.size(); i++) {
                if (seen.get(numbers.get(i))) {
                    duplicates++;
                }
                seen.set(numbers.get(i));
                if (i > 0 && numbers.get(i) < numbers.get(i - 1)) {
                    outOfOrder++;
                }
            }
            int lost = total - seen.cardinality();
            List<String> gapNotices = tail.stderr().stream().filter(l -> l.contains("gap")).toList();
            System.out.printf("gap fill: %d lines sent in %.1f s, %s half-way (traffic-controller-%d served the tail); %d printed,"
                    + " %d lost, %d twice, %d out of order; notices: %s%n", total, sendingSeconds / 1000.0, fault, serving[0],
                    numbers.size(), lost, duplicates, outOfOrder, gapNotices);

            List<Integer> expected = new ArrayList<>(total);
            for (int i = 0; i < total; i++) {
                expected.add(i);
            }
            assertEquals(0, lost, () -> "every line printed: " + tail.stderr() + "\n" + survivorLog.get());
            assertEquals(expected, numbers, "each line once, in order");
            assertTrue(gapNotices.stream().anyMatch(l -> l.matches("logs: reconnected to .* after a gap of [0-9.]+ s .*")),
                    "the gap is told: " + tail.stderr());
            assertTrue(gapNotices.stream().anyMatch(l -> l.matches("logs: filled the gap of [0-9.]+ s with [0-9,]+ lines from Log Cache.*")),
                    "the fill is told: " + tail.stderr());
        }
    }

    /** The index of the Traffic Controller holding the tail's app stream. */
    private int servingTrafficController() {
        int[] serving = {-1};
        await().atMost(PATIENCE).until(() -> {
            for (int i = 0; i < 2; i++) {
                String metrics = deployment.client(deployment.trafficControllerAdmin(i)).get("/metrics", null).text();
                if (metrics.lines().anyMatch(l -> l.equals("doppler_proxy_app_streams 1.0"))) {
                    serving[0] = i;
                    return true;
                }
            }
            return false;
        });
        return serving[0];
    }

    private static List<Integer> numbers(List<String> stdout) {
        List<Integer> numbers = new ArrayList<>();
        for (String line : stdout) {
            Matcher m = CF_LINE.matcher(line);
            if (m.matches()) {
                numbers.add(Integer.parseInt(m.group(1)));
            }
        }
        return numbers;
    }
}
