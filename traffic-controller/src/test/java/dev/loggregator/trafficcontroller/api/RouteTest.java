package dev.loggregator.trafficcontroller.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class RouteTest {
    @Test
    void currentPaths() {
        assertEquals(new Route(Route.Kind.APP_STREAM, "a b", null, null, null), Route.of("/apps/a%20b/stream"));
        assertEquals(Route.Kind.RECENT_LOGS, Route.of("/apps/g/recentlogs").kind());
        assertEquals(Route.Kind.CONTAINER_METRICS, Route.of("/apps/g/containermetrics").kind());
        assertEquals(new Route(Route.Kind.FIREHOSE, null, "sub", "logs", null), Route.of("/firehose/sub?filter-type=logs"));
        assertEquals(Route.Kind.SET_COOKIE, Route.of("/set-cookie").kind());
        assertEquals(new Route(Route.Kind.DRAINS, null, null, null, null), Route.of("/drains"));
        assertEquals(new Route(Route.Kind.DRAINS, "a b", null, null, null), Route.of("/drains?app=a%20b"));
    }

    @Test
    void filtersOtherThanLogsOrMetricsMeanEverything() {
        assertEquals("metrics", Route.of("/firehose/s?filter-type=metrics").dopplerFilter());
        assertNull(Route.of("/firehose/s?filter-type=bogus").dopplerFilter());
        assertNull(Route.of("/firehose/s").dopplerFilter());
    }

    @Test
    void recentLogsCarryTheirLimitAsGivenAndOnlyThey() {
        assertEquals(new Route(Route.Kind.RECENT_LOGS, "g", null, null, "10"), Route.of("/apps/g/recentlogs?limit=10"));
        assertEquals("x", Route.of("/apps/g/recentlogs?limit=x&limit=5").limit());
        assertEquals("", Route.of("/apps/g/recentlogs?limit=").limit());
        assertNull(Route.of("/apps/g/recentlogs").limit());
        assertEquals("3", Route.of("/recent?app=g&limit=3").limit());
        assertNull(Route.of("/apps/g/containermetrics?limit=3").limit());
    }

    @Test
    void legacyWsEraPaths() {
        assertEquals(new Route(Route.Kind.APP_STREAM, "g", null, null, null), Route.of("/tail/?app=g"));
        assertEquals(Route.Kind.RECENT_LOGS, Route.of("/recent?app=g").kind());
        assertEquals(Route.Kind.RECENT_LOGS, Route.of("/dump/?app=g").kind());
    }

    @Test
    void theWebViewerHasTheRootAndEverythingUnderUi() {
        for (String path : new String[] {"/", "/ui", "/ui/", "/ui/js/main.js", "/ui/../x"}) {
            assertEquals(Route.Kind.UI, Route.of(path).kind(), path);
        }
        assertEquals(Route.Kind.NOT_FOUND, Route.of("/uix").kind());
    }

    @Test
    void everythingElseIsNotFound() {
        for (String path : new String[] {"/apps//stream", "/apps/g/other", "/firehose/", "/firehose/a/b",
                "/apps/g/stream/extra", "/tail/"}) {
            assertEquals(Route.Kind.NOT_FOUND, Route.of(path).kind(), path);
        }
    }
}
