package dev.loggregator.trafficcontroller.dopplers;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loggregator.trafficcontroller.support.Cluster;
import dev.loggregator.trafficcontroller.support.Envelopes;
import dev.loggregator.trafficcontroller.support.Probes;
import dev.loggregator.trafficcontroller.support.StreamClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * A Traffic Controller stopped with SIGTERM while it carries one member of a shared firehose
 * subscription, under a steady stream of numbered envelopes: it asks the Doppler to retire its link,
 * so the member on the other Traffic Controller takes the whole stream at once, and it closes its
 * client with 1001 only once the Doppler has written what it held for the retired link. Between the
 * two members every envelope arrives exactly once.
 */
class GracefulHandOverTest {
    private static final String APP = "4a4d0000-0000-4000-8000-000000000001";
    private static final String PREFIX = "n-";

    @Test
    void aStoppingTrafficControllerHandsItsShareOfAFirehoseToTheOtherMemberWithoutLosingAny() throws Exception {
        try (Cluster cluster = Cluster.start(1, 2, "auth: {disable_access_control: true}")) {
            String path = "/firehose/hand-over-" + UUID.randomUUID();
            StreamClient leaving = StreamClient.open(cluster.ws(1) + path, null);
            StreamClient staying = StreamClient.open(cluster.ws(0) + path, null);
            Probes.awaitFlowing(cluster, APP, leaving, staying);

            AtomicInteger emitted = new AtomicInteger();
            AtomicBoolean stop = new AtomicBoolean();
            Thread emitter = new Thread(() -> {
                while (!stop.get()) {
                    List<byte[]> batch = new ArrayList<>();
                    for (int i = 0; i < 20; i++) {
                        batch.add(Envelopes.log(APP, PREFIX + emitted.getAndIncrement()));
                    }
                    cluster.emit(0, batch);
                    LockSupport.parkNanos(Duration.ofMillis(10).toNanos()); // pacing: about 2,000 envelopes/s
                }
            }, "numbered-emitter");
            emitter.start();
            try {
                await("both members get numbered envelopes").atMost(Duration.ofSeconds(30))
                        .until(() -> numbers(leaving).size() > 100 && numbers(staying).size() > 100);
                assertEquals(0, cluster.trafficController(1).terminate(30), "the Traffic Controller exits cleanly");
                int before = emitted.get();
                await("the staying member goes on receiving").atMost(Duration.ofSeconds(30))
                        .until(() -> numbers(staying).contains(PREFIX + (before + 100)));
            } finally {
                stop.set(true);
                emitter.join();
            }

            int total = emitted.get();
            await("every envelope reached one of the two members").atMost(Duration.ofSeconds(30))
                    .until(() -> union(leaving, staying).size() == total);
            assertEquals(1001, leaving.closeCode(), "the leaving member's client is told the server goes away");
            assertEquals(total, numbers(leaving).size() + numbers(staying).size(), "no envelope twice");
        }
    }

    private static List<String> numbers(StreamClient client) {
        return client.texts().stream().filter(text -> text.startsWith(PREFIX)).toList();
    }

    private static Set<String> union(StreamClient a, StreamClient b) {
        Set<String> all = new HashSet<>(numbers(a));
        all.addAll(numbers(b));
        return all;
    }
}
