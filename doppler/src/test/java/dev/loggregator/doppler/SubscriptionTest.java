package dev.loggregator.doppler;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.doppler.support.BatchSubscriber;
import dev.loggregator.doppler.support.Envelopes;
import dev.loggregator.doppler.support.HttpBatches;
import dev.loggregator.doppler.support.TcpSender;
import dev.loggregator.testsupport.DopplerNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope.EventType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Egress semantics against a real Doppler process: app streams, firehose groups, filters, recent logs, container metrics. */
class SubscriptionTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static DopplerNode doppler;
    private final List<BatchSubscriber> subscribers = new ArrayList<>();

    @BeforeAll
    static void startDoppler() {
        doppler = DopplerNode.builder().name("subscriptions")
                .set("max_retained_log_messages", 5)
                .set("container_metric_ttl_seconds", 6)
                .start();
    }

    @AfterAll
    static void stopDoppler() {
        doppler.close();
    }

    @AfterEach
    void closeSubscribers() {
        subscribers.forEach(BatchSubscriber::close);
    }

    private BatchSubscriber subscribe(String path) {
        BatchSubscriber subscriber = BatchSubscriber.connect(doppler.wsUrl(path));
        subscribers.add(subscriber);
        return subscriber;
    }

    private static String marker() {
        return UUID.randomUUID().toString();
    }

    private static boolean marked(Envelope e, String marker) {
        String text = Envelopes.text(e);
        return (text != null && text.startsWith(marker))
                || (e.hasValueMetric() && e.getValueMetric().getName().startsWith(marker))
                || (e.hasContainerMetric() && e.getContainerMetric().getApplicationId().startsWith(marker));
    }

    @Test
    void anAppStreamGetsEveryEnvelopeOfItsAppAndNothingElse() throws Exception {
        String appA = marker();
        String appB = marker();
        BatchSubscriber streamA = subscribe("/apps/" + appA + "/stream");
        BatchSubscriber streamB = subscribe("/apps/" + appB + "/stream");
        try (TcpSender tcp = TcpSender.connect(doppler.tcpPort())) {
            for (int i = 0; i < 3; i++) {
                tcp.send(Envelopes.v1Log(appA, appA + " a-" + i));
            }
            tcp.send(Envelopes.v1Log(appB, appB + " b-0"));
            tcp.send(Envelopes.v1ContainerMetric(appA, 0, 1.5, System.nanoTime()));
            tcp.send(Envelopes.v1ValueMetric(appA + "-system-metric", 1));
            tcp.send(Envelopes.v1Log(appB, appB + " b-1")).flush();
        }
        await().atMost(WAIT).until(() -> streamA.envelopes().size() >= 4 && streamB.envelopes().size() >= 2);
        assertEquals(List.of(appA + " a-0", appA + " a-1", appA + " a-2"),
                streamA.envelopes(Envelope::hasLogMessage).stream().map(Envelopes::text).toList());
        assertEquals(1, streamA.count(Envelope::hasContainerMetric));
        assertEquals(4, streamA.envelopes().size(), "the system ValueMetric is not part of the app's stream");
        assertEquals(List.of(appB + " b-0", appB + " b-1"), streamB.envelopes().stream().map(Envelopes::text).toList());
        assertNull(streamA.protocolError());
    }

    @Test
    void eachFirehoseGroupGetsEverythingAndEachEnvelopeReachesOneMemberOfAGroup() throws Exception {
        String marker = marker();
        String shared = "shared-" + marker;
        List<BatchSubscriber> sharedMembers = List.of(subscribe("/firehose/" + shared), subscribe("/firehose/" + shared),
                subscribe("/firehose/" + shared));
        BatchSubscriber alone = subscribe("/firehose/alone-" + marker);
        int n = 300;
        try (TcpSender tcp = TcpSender.connect(doppler.tcpPort())) {
            for (int i = 0; i < n; i++) {
                tcp.send(Envelopes.v1Log("app-" + (i % 7), marker + " " + i));
            }
            tcp.flush();
        }
        await().atMost(WAIT).until(() -> alone.count(e -> marked(e, marker)) == n
                && sharedMembers.stream().mapToInt(s -> s.count(e -> marked(e, marker))).sum() >= n);

        List<String> seen = new ArrayList<>();
        for (BatchSubscriber member : sharedMembers) {
            List<String> texts = member.envelopes(e -> marked(e, marker)).stream().map(Envelopes::text).toList();
            assertTrue(texts.size() > 0, "every member of a group takes a share");
            seen.addAll(texts);
        }
        assertEquals(n, seen.size(), "no envelope reached two members of one group");
        assertEquals(n, new HashSet<>(seen).size());
        Set<String> expected = new HashSet<>(IntStream.range(0, n).mapToObj(i -> marker + " " + i).toList());
        assertEquals(expected, new HashSet<>(seen));
        assertEquals(expected, new HashSet<>(alone.envelopes(e -> marked(e, marker)).stream().map(Envelopes::text).toList()));
    }

    @Test
    void filtersSplitLogsFromMetricsAndFormTheirOwnGroups() throws Exception {
        String marker = marker();
        String id = "filtered-" + marker;
        BatchSubscriber logs = subscribe("/firehose/" + id + "?filter-type=logs");
        BatchSubscriber metrics = subscribe("/firehose/" + id + "?filter-type=metrics");
        BatchSubscriber all = subscribe("/firehose/" + id);
        try (TcpSender tcp = TcpSender.connect(doppler.tcpPort())) {
            for (int i = 0; i < 10; i++) {
                tcp.send(Envelopes.v1Log("app", marker + " log " + i));
                tcp.send(Envelopes.v1ValueMetric(marker + "-metric-" + i, i));
            }
            tcp.send(Envelopes.v1ContainerMetric(marker + "-app", 0, 1, System.nanoTime())).flush();
        }
        await().atMost(WAIT).until(() -> all.count(e -> marked(e, marker)) == 21
                && logs.count(e -> marked(e, marker)) == 10 && metrics.count(e -> marked(e, marker)) == 11);
        assertTrue(logs.envelopes().stream().allMatch(e -> e.getEventType() == EventType.LogMessage));
        assertTrue(metrics.envelopes().stream().noneMatch(e -> e.getEventType() == EventType.LogMessage));
    }

    @Test
    void recentLogsAreTheLastLinesOldestFirst() throws Exception {
        String app = marker();
        try (TcpSender tcp = TcpSender.connect(doppler.tcpPort())) {
            for (int i = 0; i < 8; i++) {
                tcp.send(Envelopes.v1Log(app, "line-" + i));
            }
            tcp.send(Envelopes.v1ValueMetric("not-a-log", 1)).flush();
        }
        List<String> expected = List.of("line-3", "line-4", "line-5", "line-6", "line-7");
        await().atMost(WAIT).until(() -> HttpBatches.envelopes(doppler.wsPort(), "/apps/" + app + "/recentlogs")
                .stream().map(Envelopes::text).toList().equals(expected));
        assertEquals(List.of(), HttpBatches.envelopes(doppler.wsPort(), "/apps/" + marker() + "/recentlogs"));
        assertEquals("application/x-loggregator-batch",
                HttpBatches.get(doppler.wsPort(), "/apps/" + app + "/recentlogs").headers().firstValue("content-type").orElse(""));
    }

    @Test
    void containerMetricsAreTheNewestPerInstanceUntilTheyExpire() throws Exception {
        String app = marker();
        try (TcpSender tcp = TcpSender.connect(doppler.tcpPort())) {
            tcp.send(Envelopes.v1ContainerMetric(app, 0, 1.0, 1000));
            tcp.send(Envelopes.v1ContainerMetric(app, 0, 2.0, 2000));
            tcp.send(Envelopes.v1ContainerMetric(app, 1, 3.0, 1500));
            tcp.send(Envelopes.v1ContainerMetric(app, 0, 9.0, 500)).flush();
        }
        String path = "/apps/" + app + "/containermetrics";
        await().atMost(WAIT).until(() -> HttpBatches.envelopes(doppler.wsPort(), path).stream()
                .map(e -> e.getContainerMetric().getCpuPercentage()).sorted().toList().equals(List.of(2.0, 3.0)));
        // container_metric_ttl_seconds is 6 here (long enough for a slow machine to see them first)
        await().atMost(WAIT).until(() -> HttpBatches.envelopes(doppler.wsPort(), path).isEmpty());
    }
}
