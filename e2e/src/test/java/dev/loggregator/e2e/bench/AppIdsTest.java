package dev.loggregator.e2e.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.wire.appid.AppGuids;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark's app ids: GUIDs the Traffic Controller accepts, recognisable by their run's prefix. */
class AppIdsTest {
    @Test
    void appIdsAreDistinctGuidsStartingWithTheRunsPrefix() {
        String prefix = LoadGenerator.newAppPrefix();
        List<String> apps = LoadGenerator.apps(prefix, 1000);
        assertEquals(1000, new HashSet<>(apps).size());
        for (String app : apps) {
            assertTrue(AppGuids.isGuid(app), app);
            assertTrue(app.startsWith(prefix), app);
        }
    }

    @Test
    void aPrefixThatCannotMakeAGuidIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> LoadGenerator.appId("bench-run", 1));
    }
}
