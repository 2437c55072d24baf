package dev.loggregator.trafficcontroller.support;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Subscriptions to Dopplers open asynchronously after the upgrade; before a test sends its real
 * envelopes it sends probe logs until every client has seen one, so nothing is sent into a link
 * that is not open yet.
 */
public final class Probes {
    private static final AtomicInteger COUNT = new AtomicInteger();

    private Probes() {
    }

    private static final AtomicInteger CALLS = new AtomicInteger();

    /** Unique per call, so probes seen before (say, before a Doppler restart) do not count. */
    private static String prefix(int call, int doppler) {
        return StreamClient.PROBE + "c" + call + "-d" + doppler + "-";
    }

    public static void awaitFlowing(Cluster cluster, String appId, StreamClient... clients) {
        awaitFlowing(cluster, appId, new int[] {0}, clients);
    }

    /** Probes every Doppler in {@code dopplers} until each client has seen a probe through each of them. */
    public static void awaitFlowing(Cluster cluster, String appId, int[] dopplers, StreamClient... clients) {
        awaitFlowing(cluster, Map.of(appId, List.of(clients)), dopplers);
    }

    /**
     * As {@link #awaitFlowing(Cluster, String, int[], StreamClient...)} for many apps at once, each with
     * its own clients: one probe round serves them all, so the wait does not grow with the number of apps.
     */
    public static void awaitFlowing(Cluster cluster, Map<String, List<StreamClient>> clientsByApp, int[] dopplers) {
        int call = CALLS.incrementAndGet();
        // Probes are cheap and the check follows the emit at once, so a short interval ends the wait soon
        // after the links are up rather than a fixed few hundred milliseconds later.
        await().atMost(Duration.ofSeconds(60)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100)).until(() -> {
            for (String appId : clientsByApp.keySet()) {
                for (int doppler : dopplers) {
                    cluster.emit(doppler, Envelopes.log(appId, prefix(call, doppler) + COUNT.incrementAndGet()));
                }
            }
            for (List<StreamClient> clients : clientsByApp.values()) {
                for (StreamClient client : clients) {
                    for (int doppler : dopplers) {
                        if (!client.receivedProbe(prefix(call, doppler))) {
                            return false;
                        }
                    }
                }
            }
            return true;
        });
    }
}
