package dev.loggregator.doppler.drains;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The linger a loop's drains wait between writes: what README.md and docs promise as the added latency. */
class LoopPumpsTest {
    @Test
    void lingerIsFiveMillisecondsForFewBusyDrainsAndGrowsToTwentyWithMany() {
        assertEquals(5_000, LoopPumps.lingerMicros(0));
        assertEquals(5_000, LoopPumps.lingerMicros(1));
        assertEquals(5_000, LoopPumps.lingerMicros(20));
        assertEquals(12_500, LoopPumps.lingerMicros(50)); // 100 busy drains on two loops: 4,000 writes a second each
        assertEquals(20_000, LoopPumps.lingerMicros(80));
        assertEquals(20_000, LoopPumps.lingerMicros(10_000));
    }
}
