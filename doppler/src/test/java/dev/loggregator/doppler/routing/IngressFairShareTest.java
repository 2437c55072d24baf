package dev.loggregator.doppler.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.loggregator.doppler.metrics.AppDrops;
import dev.loggregator.doppler.metrics.DopplerMetrics;
import dev.loggregator.doppler.metrics.DropReason;
import java.util.ArrayList;
import java.util.List;
import org.cloudfoundry.dropsonde.events.EventFactory;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope.EventType;
import org.cloudfoundry.dropsonde.events.LogFactory.LogMessage;
import org.junit.jupiter.api.Test;

/**
 * The ingress buffer under pressure refuses the app sending most, keeps its last room for the quiet apps, and
 * every envelope of an app that does not go in is counted for that app and told in its stream.
 */
class IngressFairShareTest {
    private static final int QUIET = 99;
    private static final int NOISY_SHARES = 10;

    @Test
    void theRuleHoldsANoisyAppNearTheOthersPaceAndRefusesNoQuietApp() {
        IngressFairShare fair = new IngressFairShare(2, 1000, notices(new DopplerMetrics()));
        for (boolean nearlyFull : new boolean[] {false, true}) {
            long now = System.nanoTime() + (nearlyFull ? 1_000_000_000L : 0); // a new window for each rule
            int quietAdmitted = 0;
            int noisyAdmitted = 0;
            for (int round = 0; round < 100; round++) {
                for (int i = 0; i < QUIET; i++) {
                    quietAdmitted += fair.admit("quiet-" + i, nearlyFull, now) ? 1 : 0;
                    if (i % 10 == 9) {
                        noisyAdmitted += fair.admit("noisy", nearlyFull, now) ? 1 : 0;
                    }
                }
                noisyAdmitted += fair.admit("noisy", nearlyFull, now) ? 1 : 0;
            }
            assertEquals(QUIET * 100, quietAdmitted, "quiet apps lose nothing (nearly full: " + nearlyFull + ")");
            int bound = nearlyFull ? 100 + 17 : 2 * 100 + 17;
            assertTrue(noisyAdmitted <= bound, "the noisy app is held near its share: " + noisyAdmitted + " > " + bound);
            assertTrue(noisyAdmitted >= 100, "the noisy app keeps its share: " + noisyAdmitted);
        }
    }

    @Test
    void aQuietAppIsShedOnlyWhenTheBufferIsFullAndEveryDropIsCountedForItsApp() {
        DopplerMetrics metrics = new DopplerMetrics();
        AppDrops drops = metrics.appDrops();
        OverloadNotices notices = notices(metrics);
        int capacity = 8192;
        IngressBuffer buffer = new IngressBuffer(capacity, Long.MAX_VALUE, metrics, new IngressFairShare(2, 1000, notices));
        List<RoutedEnvelope> quiet = new ArrayList<>();
        for (int i = 0; i < QUIET; i++) {
            quiet.add(log(String.format("quiet-%02d", i)));
        }
        RoutedEnvelope noisy = log("noisy");
        long noisySent = 0;
        long noisyIn = 0;
        long quietIn = 0;
        long noisyInUnderPressure = 0;
        long quietInUnderPressure = 0;
        String quietRefused = null;
        while (quietRefused == null) {
            for (int i = 0; i < QUIET && quietRefused == null; i++) {
                boolean pressure = buffer.size() > capacity / 2;
                if (buffer.offer(quiet.get(i))) {
                    quietIn++;
                    quietInUnderPressure += pressure ? 1 : 0;
                } else {
                    quietRefused = quiet.get(i).appId();
                    assertEquals(capacity, buffer.size(), "a quiet app's envelope was refused before the buffer was full");
                }
                if (i % 10 == 9 || i == QUIET - 1) {
                    noisySent++;
                    if (buffer.offer(noisy)) {
                        noisyIn++;
                        noisyInUnderPressure += pressure ? 1 : 0;
                    }
                }
            }
        }
        long perQuietApp = quietInUnderPressure / QUIET;
        assertTrue(noisyInUnderPressure <= 2 * (perQuietApp + 1) + 4 * 17,
                "under pressure the noisy app took " + noisyInUnderPressure + " places, each quiet app " + perQuietApp);
        assertEquals(capacity, noisyIn + quietIn, "everything admitted is in the buffer");
        long noisyCounted = drops.count("noisy", DropReason.FAIR_SHARE) + drops.count("noisy", DropReason.INGRESS_SHED);
        assertEquals(noisySent - noisyIn, noisyCounted, "every envelope of the noisy app that did not go in is counted for it");
        assertEquals(1, drops.count(quietRefused, DropReason.INGRESS_SHED), "the quiet app's one loss is counted for it");
        assertEquals(noisyCounted + 1, metrics.dropped().get(DropReason.FAIR_SHARE) + metrics.dropped().get(DropReason.INGRESS_SHED),
                "the per-app counts add up to the totals");

        List<String> told = new ArrayList<>();
        notices.emit(2_000_000_000L, envelope -> told.add(envelope.appId() + ": " + message(envelope)));
        assertTrue(told.stream().anyMatch(line -> line.startsWith("noisy: ") && line.contains(noisyCounted + " envelopes dropped")),
                "the noisy app is told in its stream: " + told);
        assertEquals(2, told.size(), "one notice per app that lost envelopes: " + told);
        String quietApp = quietRefused;
        assertEquals(quietApp + ": Doppler 0 was saturated (its ingress buffer full): 1 envelopes dropped (total 1).",
                told.stream().filter(line -> line.startsWith(quietApp)).findFirst().orElseThrow(),
                "a quiet app is not told it sent too much");
    }

    private static OverloadNotices notices(DopplerMetrics metrics) {
        return new OverloadNotices(metrics, "Doppler 0", 1000);
    }

    private static RoutedEnvelope log(String app) {
        EventFactory.Envelope envelope = EventFactory.Envelope.newBuilder()
                .setOrigin("test").setEventType(EventType.LogMessage)
                .setLogMessage(LogMessage.newBuilder().setAppId(app).setMessage(ByteString.copyFromUtf8("line"))
                        .setMessageType(LogMessage.MessageType.OUT).setTimestamp(1))
                .build();
        return RoutedEnvelope.fromV1(app, EventType.LogMessage, envelope.toByteArray());
    }

    private static String message(RoutedEnvelope envelope) {
        try {
            return EventFactory.Envelope.parseFrom(envelope.v1Bytes()).getLogMessage().getMessage().toStringUtf8();
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }
}
