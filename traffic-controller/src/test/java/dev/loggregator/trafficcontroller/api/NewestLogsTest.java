package dev.loggregator.trafficcontroller.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.loggregator.trafficcontroller.support.Envelopes;
import java.util.List;
import org.junit.jupiter.api.Test;

class NewestLogsTest {
    private static byte[] log(String text, long timestamp) {
        return Envelopes.log("app", text, timestamp);
    }

    private static List<String> texts(List<byte[]> envelopes) {
        return envelopes.stream().map(Envelopes::text).toList();
    }

    @Test
    void keepsTheNewestInTheOrderGathered() {
        // two Dopplers' answers, concatenated: each oldest first, interleaved in time
        List<byte[]> gathered = List.of(log("a1", 10), log("a3", 30), log("a5", 50), log("b2", 20), log("b4", 40));
        assertEquals(List.of("a3", "a5", "b4"), texts(NewestLogs.select(gathered, 3)));
        assertEquals(List.of("a5"), texts(NewestLogs.select(gathered, 1)));
        assertEquals(List.of(), NewestLogs.select(gathered, 0));
    }

    @Test
    void aLimitCoveringEverythingAnswersWhatWasGatheredUntouched() {
        List<byte[]> gathered = List.of(log("a", 2), log("b", 1));
        assertSame(gathered, NewestLogs.select(gathered, 2));
        assertSame(gathered, NewestLogs.select(gathered, Integer.MAX_VALUE));
    }

    @Test
    void ofEnvelopesStampedAtTheCutTheLastGatheredAreKept() {
        List<byte[]> gathered = List.of(log("early", 5), log("tie1", 7), log("late", 9), log("tie2", 7), log("tie3", 7));
        assertEquals(List.of("late", "tie2", "tie3"), texts(NewestLogs.select(gathered, 3)));
    }

    @Test
    void anUnreadableEnvelopeCountsAsTheOldest() {
        byte[] truncated = {0x0A, 5, 'x'};
        List<byte[]> gathered = List.of(log("old", 1), truncated, log("new", 2));
        assertEquals(List.of("old", "new"), texts(NewestLogs.select(gathered, 2)));
    }
}
