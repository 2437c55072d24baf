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

    @Test
    void theFirstAppOfAWindowIsJudgedByTheAppsOfTheWindowBefore() {
        // the next window opens with the noisy app's burst: the quiet apps offered 10 each in the window before
        assertEquals(10, burstAfterQuietWindow(true), "queue nearly full: no more than the others' pace");
        assertEquals(20, burstAfterQuietWindow(false), "under pressure: twice the others' pace");
    }

    private static int burstAfterQuietWindow(boolean nearlyFull) {
        FairShare fair = new FairShare(2, 1000);
        for (int i = 0; i < 10; i++) {
            for (int n = 0; n < 10; n++) {
                assertTrue(fair.admit("quiet-" + i, true, nearlyFull, 0));
            }
        }
        int noisyAdmitted = 0;
        for (int n = 0; n < 100; n++) {
            noisyAdmitted += fair.admit("noisy", true, nearlyFull, 150_000_000L) ? 1 : 0;
        }
        return noisyAdmitted;
    }

    @Test
    void anAppAloneInEveryWindowIsNeverRefused() {
        FairShare fair = new FairShare(2, 1000);
        for (long window = 0; window < 5; window++) {
            for (int n = 0; n < 1000; n++) {
                assertTrue(fair.admit("solo", true, true, window * 150_000_000L));
            }
        }
    }

    @Test
    void theWindowBeforeCountsOnlyWhilePressureLasts() {
        FairShare fair = new FairShare(2, 1000);
        for (int i = 0; i < 10; i++) {
            assertTrue(fair.admit("quiet-" + i, true, true, 0));
        }
        // a second of no pressure in between: the noisy app is alone again and the queue's bound is its limit
        assertTrue(fair.admit("quiet-0", false, 150_000_000L));
        for (int n = 0; n < 100; n++) {
            assertTrue(fair.admit("noisy", true, true, 1_000_000_000L));
        }
    }
}
