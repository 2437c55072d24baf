package dev.loggregator.fairness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Under pressure the app sending most is refused first, quiet apps never; without pressure nothing is refused. */
class FairShareTest {
    @Test
    void aNoisyAppIsHeldToItsShareWhileQuietAppsLoseNothing() {
        FairShare fair = new FairShare(2, 1000);
        int quietAdmitted = 0;
        int noisyAdmitted = 0;
        long now = 0;
        for (int round = 0; round < 100; round++) {
            for (int i = 0; i < 99; i++) {
                quietAdmitted += fair.admit("quiet-" + i, true, now) ? 1 : 0;
            }
            for (int i = 0; i < 10; i++) {
                noisyAdmitted += fair.admit("noisy", true, now) ? 1 : 0;
            }
        }
        assertEquals(99 * 100, quietAdmitted, "quiet apps lose nothing");
        assertTrue(noisyAdmitted < 1000 / 2, "the noisy app is throttled: " + noisyAdmitted);
    }

    @Test
    void withoutPressureEverythingGoesIn() {
        FairShare fair = new FairShare(2, 1000);
        for (int i = 0; i < 10_000; i++) {
            assertTrue(fair.admit("noisy", false, i));
        }
        assertTrue(fair.idle());
    }
}
