package dev.loggregator.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.spi.FilterReply;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** At most one line per kind every interval from libraries and marked lines; our other lines untouched. */
class LogFloodFilterTest {
    private final AtomicLong now = new AtomicLong();
    private final LogFloodFilter filter = new LogFloodFilter(now::get);
    private final LoggerContext context = new LoggerContext();

    private FilterReply log(String logger, Level level, String format, org.slf4j.Marker marker) {
        Logger target = context.getLogger(logger);
        target.setLevel(Level.DEBUG);
        return filter.decide(marker, target, level, format, new Object[0], null);
    }

    @Test
    void aLibraryLoggerGetsOneLinePerLevelEveryInterval() {
        assertEquals(FilterReply.NEUTRAL, log("io.grpc.internal.SerializingExecutor", Level.ERROR, "Exception while executing runnable a@1", null));
        for (int i = 0; i < 1000; i++) {
            assertEquals(FilterReply.DENY, log("io.grpc.internal.SerializingExecutor", Level.ERROR, "Exception while executing runnable b@" + i, null));
        }
        assertEquals(FilterReply.NEUTRAL, log("io.grpc.internal.SerializingExecutor", Level.WARN, "another level", null));
        now.addAndGet(TimeUnit.SECONDS.toNanos(10));
        assertEquals(FilterReply.NEUTRAL, log("io.grpc.internal.SerializingExecutor", Level.ERROR, "again", null));
    }

    @Test
    void ourLinesPassUnlessMarkedAsBadInputWhichGoByMessagePattern() {
        for (int i = 0; i < 100; i++) {
            assertEquals(FilterReply.NEUTRAL, log("dev.loggregator.trafficcontroller.stream.ClientStream", Level.INFO, "stream {} opened", null));
        }
        String logger = "dev.loggregator.trafficcontroller.api.RequestRouter";
        assertEquals(FilterReply.NEUTRAL, log(logger, Level.INFO, "{} from {}: {} ({})", BadInput.MARKER));
        assertEquals(FilterReply.DENY, log(logger, Level.INFO, "{} from {}: {} ({})", BadInput.MARKER));
        assertEquals(FilterReply.NEUTRAL, log(logger, Level.INFO, "another pattern {}", BadInput.MARKER));
    }

    @Test
    void levelChecksAndDisabledLevelsSpendNothingAndKindsStayBounded() {
        Logger quiet = context.getLogger("io.netty.quiet");
        quiet.setLevel(Level.WARN);
        assertEquals(FilterReply.NEUTRAL, filter.decide(null, quiet, Level.DEBUG, "dropped by level anyway", null, null));
        assertEquals(FilterReply.NEUTRAL, filter.decide(null, quiet, Level.WARN, null, null, null), "isWarnEnabled()");
        assertEquals(FilterReply.NEUTRAL, filter.decide(null, quiet, Level.WARN, "first real line", null, null));
        for (int i = 0; i < LogFloodFilter.MAX_KINDS * 2; i++) {
            log("lib.logger" + i, Level.WARN, "x", null);
        }
        assertTrue(filter.kindsHeld() <= LogFloodFilter.MAX_KINDS + 1, "kinds held: " + filter.kindsHeld());
    }
}
