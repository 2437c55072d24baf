package dev.loggregator.trafficcontroller.support;

import static dev.loggregator.testsupport.TestApps.guid;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The noisy-neighbour check of the v1 and v2 stream tests: one app floods 20,000 1 KB lines with ten quiet
 * apps' 100 lines each spread among them, to a reader slower than the flood (about 2,000 envelopes a
 * second). Every quiet line must arrive with nothing counted against its app; the reader's queue in the
 * Traffic Controller must shed the noisy app for its fair share; what of the noisy app did not arrive must
 * be counted for it exactly (Traffic Controller and Doppler, every reason) and told in notices naming it.
 */
public final class NoisyNeighbourBurst {
    public static final int NOISY_LINES = 20_000;
    public static final int QUIET_APPS = 10;
    public static final int QUIET_LINES_PER_APP = 100;
    /** What a reader pauses after every 16 envelopes: about 2,000 a second. */
    public static final long PAUSE_NANOS = 8_000_000L;
    /**
     * The Doppler section of the tests' cluster: its link to the Traffic Controller holds the whole burst, so
     * the Doppler sheds nothing and puts no notice of its own into the noisy app's stream (one the Traffic
     * Controller then dropped would be counted for the app beside its lines): the reader's queue alone is
     * under test.
     */
    public static final String DOPPLER_SECTION = "link_buffer_bytes: 134217728\n";
    private static final String APP_DROPS = "doppler_proxy_app_dropped_envelopes_total";
    private static final Pattern DROPPED = Pattern.compile("(\\d+) messages dropped");

    private NoisyNeighbourBurst() {
    }

    /** Lines and drop notices per app, as a reader counts them; any thread writes. */
    public static final class AppTally {
        private final Map<String, LongAdder> lines = new ConcurrentHashMap<>();
        private final Map<String, LongAdder> noticed = new ConcurrentHashMap<>();
        private final Map<String, LongAdder> noticedByTrafficController = new ConcurrentHashMap<>();

        public void line(String app) {
            add(lines, app, 1);
        }

        /** A drop notice (an LGR line) for {@code app}; {@code byTrafficController} when its origin is the Traffic Controller. */
        public void notice(String app, String text, boolean byTrafficController) {
            Matcher m = DROPPED.matcher(text);
            if (m.find()) {
                long dropped = Long.parseLong(m.group(1));
                add(noticed, app, dropped);
                if (byTrafficController) {
                    add(noticedByTrafficController, app, dropped);
                }
            }
        }

        public long lines(String app) {
            return get(lines, app);
        }

        /** Envelopes the drop notices of any component told {@code app} lost. */
        public long noticed(String app) {
            return get(noticed, app);
        }

        public long noticedByTrafficController(String app) {
            return get(noticedByTrafficController, app);
        }

        private static void add(Map<String, LongAdder> counts, String app, long n) {
            counts.computeIfAbsent(app, a -> new LongAdder()).add(n);
        }

        private static long get(Map<String, LongAdder> counts, String app) {
            LongAdder n = counts.get(app);
            return n == null ? 0 : n.sum();
        }
    }

    /** Sends the burst through the cluster's first Doppler once {@code tally}'s reader gets lines, and checks the outcome. */
    public static void floodAndCheck(Cluster cluster, String test, AppTally tally) {
        String noisy = guid(test + "-noisy");
        List<String> quiet = new ArrayList<>();
        for (int i = 0; i < QUIET_APPS; i++) {
            quiet.add(guid(test + "-quiet-" + i));
        }
        String warm = guid(test + "-warm-up");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            cluster.emit(0, Envelopes.log(warm, "line"));
            return tally.lines(warm) > 0;
        });

        // 1 KB lines: far more than the reader's queue and the sockets hold; the quiet apps' lines spread among them
        String padding = "x".repeat(1000);
        List<byte[]> burst = new ArrayList<>();
        int quietSent = 0;
        for (int i = 0; i < NOISY_LINES; i++) {
            burst.add(Envelopes.log(noisy, "line " + i + padding));
            if (i % (NOISY_LINES / (QUIET_APPS * QUIET_LINES_PER_APP)) == 0) {
                burst.add(Envelopes.log(quiet.get(quietSent % QUIET_APPS), "line " + quietSent + padding));
                quietSent++;
            }
        }
        assertEquals(QUIET_APPS * QUIET_LINES_PER_APP, quietSent);
        long quietLines = quietSent;
        cluster.emit(0, burst);

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() ->
                tally.lines(noisy) + dropsCounted(cluster, noisy) >= NOISY_LINES
                        && quiet.stream().mapToLong(app -> tally.lines(app) + dropsCounted(cluster, app)).sum() >= quietLines);
        for (String app : quiet) {
            assertEquals(QUIET_LINES_PER_APP, tally.lines(app), () -> "every line of quiet app " + app + " arrives: "
                    + metricLines(cluster, app));
            assertEquals(0, dropsCounted(cluster, app), "nothing counted as dropped for quiet app " + app);
        }
        assertTrue(appDrops(tcMetrics(cluster), APP_DROPS, noisy, "fair_share") > 0,
                "the slow reader's queue shed the noisy app for its share, not only because the queue was full");
        assertEquals(NOISY_LINES, tally.lines(noisy) + dropsCounted(cluster, noisy), () -> "the noisy app's loss is accounted"
                + " exactly: " + tally.lines(noisy) + " delivered, counted " + metricLines(cluster, noisy));
        long tcCounted = appDrops(tcMetrics(cluster), APP_DROPS, noisy, "[a-z_]+");
        await().atMost(Duration.ofSeconds(20)).until(() -> tally.noticedByTrafficController(noisy) == tcCounted);
        for (String app : quiet) {
            assertEquals(0, tally.noticed(app), "no notice for quiet app " + app);
        }
    }

    /** Drops counted for the app, every reason, in the Traffic Controller and the Doppler. */
    private static long dropsCounted(Cluster cluster, String app) {
        try {
            return appDrops(cluster.tcMetrics(0), APP_DROPS, app, "[a-z_]+")
                    + appDrops(cluster.dopplerMetrics(0), "doppler_app_dropped_envelopes_total", app, "[a-z_]+");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String tcMetrics(Cluster cluster) {
        try {
            return cluster.tcMetrics(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String metricLines(Cluster cluster, String app) {
        try {
            return (cluster.tcMetrics(0) + cluster.dopplerMetrics(0)).lines().filter(line -> line.contains(app)).toList().toString();
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static long appDrops(String metrics, String name, String app, String reason) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{app=\"" + Pattern.quote(app) + "\",reason=\""
                + reason + "\"} ([0-9.eE+]+)$").matcher(metrics);
        long sum = 0;
        while (m.find()) {
            sum += (long) Double.parseDouble(m.group(1));
        }
        return sum;
    }
}
