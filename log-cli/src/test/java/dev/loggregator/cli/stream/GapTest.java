package dev.loggregator.cli.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class GapTest {
    @Test
    void itsLengthIsShownInSecondsWithTwoDecimalsUnderTenSeconds() {
        assertEquals("0.34 s", new Gap(1_000, 1_340).length());
        assertEquals("1.83 s", new Gap(1_000, 2_830).length());
        assertEquals("12.4 s", new Gap(1_000, 13_400).length());
        assertEquals("0.00 s", new Gap(2_000, 1_000).length(), "a clock stepped back shows no negative gap");
    }
}
