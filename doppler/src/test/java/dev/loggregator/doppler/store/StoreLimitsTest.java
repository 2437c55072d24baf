package dev.loggregator.doppler.store;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.doppler.support.Envelopes;
import dev.loggregator.doppler.support.GrpcSender;
import dev.loggregator.doppler.support.HttpBatches;
import dev.loggregator.doppler.support.TcpSender;
import dev.loggregator.testsupport.DopplerNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope;
import org.junit.jupiter.api.Test;

/** The store's bounds in a real process: least-recently-used and idle eviction, and a burst of a million app ids. */
class StoreLimitsTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static int recentLogCount(DopplerNode doppler, String app) {
        return HttpBatches.envelopes(doppler.wsPort(), "/apps/" + app + "/recentlogs").size();
    }

    @Test
    void appsBeyondTheMaximumAndAppsWithoutTrafficAreForgotten() throws Exception {
        try (DopplerNode doppler = DopplerNode.builder().name("eviction")
                .set("max_apps", 3)
                .set("sink_inactivity_timeout_seconds", 6)
                .start()) {
            try (TcpSender tcp = TcpSender.connect(doppler.tcpPort())) {
                for (String app : List.of("a1", "a2", "a3", "a4")) {
                    tcp.send(Envelopes.v1Log(app, "line of " + app));
                }
                tcp.flush();
            }
            await().atMost(WAIT).until(() -> recentLogCount(doppler, "a4") == 1);
            assertEquals(0, recentLogCount(doppler, "a1"), "least recently used app evicted beyond max_apps");
            assertEquals(3, (int) doppler.metric("doppler_apps"));
            // No more traffic: every app goes after the 6 s inactivity timeout (long enough for a slow machine to count them first).
            await().atMost(WAIT).until(() -> doppler.metric("doppler_apps") == 0);
            assertEquals(0, recentLogCount(doppler, "a4"));
            assertEquals(0, doppler.metric("doppler_retained_bytes"));
        }
    }

    @Test
    void aMillionDistinctAppIdsInABurstDoNotExhaustTheHeap() {
        int maxApps = 50_000;
        long logCacheBudget = 16 << 20;
        long storeBudget = 8 << 20;
        try (DopplerNode doppler = DopplerNode.builder().name("million-apps")
                .set("max_apps", maxApps)
                .set("max_retained_bytes", storeBudget)
                // What is under test is what the Doppler keeps per app id (the store, Log Cache's sources) in a
                // small heap: the other heap budgets (ingress buffer, replay ring, Log Cache store) are set small,
                // or at their defaults they would take the heap a burst of new apps needs.
                .set("ingress_buffer_bytes", 4 << 20)
                .set("replay_buffer_size", 5_000)
                .set("log_cache", "{memory_limit_bytes: " + logCacheBudget + "}")
                // Everything held is within these budgets and max_apps: about 60 MB live at most during the burst
                // (README, "Memory bounds"). Before the Log Cache store kept to its budget, 160 MiB ran out of heap
                // in 2 of about 6 runs, and 192 MiB held up to 162 MB live.
                .jvmArg("-Xmx128m")
                .start();
             GrpcSender grpc = GrpcSender.plaintext(doppler.grpcPort())) {
            String padding = "y".repeat(150);
            List<List<LoggregatorEnvelope.Envelope>> stream = new ArrayList<>();
            int apps = 1_000_000;
            for (int i = 0; i < apps; i++) {
                if (i % 100 == 0) {
                    stream.add(new ArrayList<>(100));
                }
                stream.get(stream.size() - 1).add(Envelopes.v2Log("burst-app-" + i, "line " + padding));
                if (stream.size() == 100 && i % 100 == 99) {
                    grpc.batchSender(stream); // 10,000 envelopes per stream
                    stream = new ArrayList<>();
                }
            }
            double accepted = doppler.metric("doppler_ingress_envelopes_total{protocol=\"grpc_v2\"}");
            assertEquals(apps, accepted);
            // A Doppler out of heap exits (status 3) rather than staying up with its router dead: say so at once.
            await().atMost(WAIT).failFast("the Doppler exited", () -> !doppler.process().isAlive())
                    .until(() -> doppler.metric("doppler_ingress_buffer_depth") == 0);
            assertEquals(200, doppler.healthStatus());
            // The per-app store: 50,000 apps of one v1 log (about 460 bytes each as counted) would be 23 MB; its heap
            // budget binds first, the least recently used apps forgotten (counted).
            assertTrue(doppler.metric("doppler_store_held_bytes") <= storeBudget);
            double kept = doppler.metric("doppler_apps");
            assertTrue(kept > 10_000 && kept < maxApps, kept + " apps kept");
            assertTrue(doppler.metric("doppler_store_evicted_for_memory_total") > 0);
            // Ingress may outrun the router in such a burst: then the ingress buffer's heap budget sheds (counted)
            // rather than the heap running out, so the last app of the burst may be among the shed. One more after it:
            grpc.batchSender(List.of(List.of(Envelopes.v2Log("after-the-burst", "line"))));
            await().atMost(WAIT).until(() -> recentLogCount(doppler, "after-the-burst") == 1);
            assertEquals(0, recentLogCount(doppler, "burst-app-0"));
            // A million new sources at about 100,000 a second outran the pruner (a pass every 250 ms frees room for
            // about 3,600): the sources beyond the budget were refused, counted, rather than held past it.
            assertTrue(doppler.metric("doppler_log_cache_refused_sources_total") > 0);
            // Within the budget, give or take the PromQL samples of a self-metric envelope (not known before its write).
            double held = doppler.metric("doppler_log_cache_bytes") + doppler.metric("doppler_log_cache_spare_block_bytes");
            assertTrue(held <= logCacheBudget + (64 << 10), held + " bytes held");
            assertTrue(!doppler.process().output().contains("OutOfMemoryError"));
        }
    }
}
