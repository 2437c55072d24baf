package dev.loggregator.doppler.egress;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.doppler.support.BatchSubscriber;
import dev.loggregator.doppler.support.Envelopes;
import dev.loggregator.doppler.support.GrpcSender;
import dev.loggregator.testsupport.DopplerNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.core.ConditionTimeoutException;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import org.cloudfoundry.dropsonde.events.LogFactory.LogMessage;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope;
import org.junit.jupiter.api.Test;

/**
 * A subscriber that stops reading loses envelopes alone: the sender is never held up, another
 * subscriber gets everything, and the slow one finds drop notices that account for every
 * envelope it did not get.
 */
class SlowSubscriberTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int ENVELOPES = 60_000;
    private static final int BATCH = 100;

    @Test
    void onlyTheSlowSubscriberLosesAndItIsToldHowMuch() {
        try (DopplerNode doppler = DopplerNode.builder().name("slow-subscriber")
                .set("link_buffer_bytes", 8 << 20)
                .set("metrics_interval_seconds", 3600) // nothing but the test's envelopes in the firehose
                .start();
             GrpcSender grpc = GrpcSender.plaintext(doppler.grpcPort())) {
            BatchSubscriber fast = BatchSubscriber.connect(doppler.wsUrl("/firehose/fast"));
            BatchSubscriber slow = BatchSubscriber.connect(doppler.wsUrl("/firehose/slow"));
            slow.pause();
            String padding = "x".repeat(1000);
            for (int sent = 0; sent < ENVELOPES; sent += BATCH) {
                List<LoggregatorEnvelope.Envelope> batch = new ArrayList<>(BATCH);
                for (int i = sent; i < sent + BATCH; i++) {
                    batch.add(Envelopes.v2Log("app-" + (i % 10), "line " + i + " " + padding));
                }
                grpc.send(batch);
                int delivered = sent + BATCH;
                // Keep the fast reader well within its own queue: this test is about the slow one.
                if (delivered % 1000 == 0) {
                    try {
                        await().atMost(WAIT).until(() -> fast.envelopes().size() >= delivered - 1000);
                    } catch (ConditionTimeoutException e) {
                        throw new AssertionError("fast subscriber has " + fast.envelopes().size() + " of " + delivered
                                + "; Doppler metrics:\n" + doppler.metricsText(), e);
                    }
                }
            }
            await().atMost(WAIT).until(() -> fast.envelopes().size() >= ENVELOPES);
            assertEquals(ENVELOPES, fast.envelopes().size(), () -> "fast subscriber: " + fast.count(SlowSubscriberTest::isNotice)
                    + " drop notices; Doppler metrics:\n" + doppler.metricsText());
            double dropped = doppler.metric("doppler_dropped_envelopes_total{reason=\"slow_subscriber\"}");
            assertTrue(dropped > 0, "the slow subscriber's queue overflowed");
            assertEquals(0, fast.count(SlowSubscriberTest::isNotice), "the fast subscriber lost nothing");

            slow.resume();
            await().atMost(WAIT).until(() -> slow.count(e -> e.hasLogMessage() && !isNotice(e))
                    + droppedAccordingToNotices(slow) == ENVELOPES);
            assertEquals((long) dropped, droppedAccordingToNotices(slow));

            Envelope notice = slow.envelopes(e -> isNotice(e) && e.hasLogMessage()).get(0);
            LogMessage message = notice.getLogMessage();
            assertEquals(LogMessage.MessageType.ERR, message.getMessageType());
            assertEquals("LGR", message.getSourceType());
            assertEquals("DopplerServer", notice.getOrigin());
            assertTrue(Envelopes.text(notice).contains("messages dropped"), Envelopes.text(notice));
            Envelope counter = slow.envelopes(e -> isNotice(e) && e.hasCounterEvent()).get(0);
            assertTrue(counter.getCounterEvent().getDelta() > 0);
            assertEquals(counter.getCounterEvent().getDelta(), counter.getCounterEvent().getTotal(), "first notice: total = delta");
            slow.close();
            fast.close();
        }
    }

    private static boolean isNotice(Envelope e) {
        return (e.hasCounterEvent() && e.getCounterEvent().getName().equals("TruncatingBuffer.DroppedMessages"))
                || (e.hasLogMessage() && e.getLogMessage().getSourceType().equals("LGR"));
    }

    private static long droppedAccordingToNotices(BatchSubscriber subscriber) {
        return subscriber.envelopes(e -> e.hasCounterEvent() && e.getCounterEvent().getName().equals("TruncatingBuffer.DroppedMessages"))
                .stream().mapToLong(e -> e.getCounterEvent().getDelta()).sum();
    }
}
