package dev.loggregator.trafficcontroller.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class RecentLogsLimitTest {
    @Test
    void absentMeansEverythingRetained() {
        assertEquals(OptionalInt.of(Integer.MAX_VALUE), RecentLogsLimit.parse(null));
    }

    @Test
    void aDecimalNumberIsTheLimitAndOneBeyondIntRangeMeansEverything() {
        assertEquals(OptionalInt.of(0), RecentLogsLimit.parse("0"));
        assertEquals(OptionalInt.of(10), RecentLogsLimit.parse("010"));
        assertEquals(OptionalInt.of(Integer.MAX_VALUE), RecentLogsLimit.parse("99999999999999999999"));
    }

    @Test
    void anythingElseIsRefused() {
        for (String bad : new String[] {"", "-1", "+1", " 1", "1.5", "ten", "1e3", "\u0661"}) {
            assertEquals(OptionalInt.empty(), RecentLogsLimit.parse(bad), bad);
        }
    }
}
