package dev.loggregator.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * At most one log line per kind every interval (10 s by default), for the lines an outsider can
 * cause: everything logged by libraries (Netty, gRPC through the JUL bridge, Java-WebSocket: they
 * log per bad message, with stack traces, and cannot be told not to), and our own lines marked
 * {@link BadInput#MARKER}. A library line's kind is its logger and level (their messages embed
 * object ids and addresses, so no two are alike); a marked line's kind is its logger and message
 * pattern. When a kind is let through again, one line first says how many of it were suppressed.
 * Other lines of ours (startup, streams opened by authorised clients) are never held back.
 *
 * <p>Configured in each component's {@code logback.xml}; {@code <exempt>} adds logger-name
 * prefixes that are not limited (default {@code dev.loggregator}), {@code <intervalMillis>} sets the interval.
 */
public final class LogFloodFilter extends TurboFilter {
    /** Kinds remembered at once; beyond it, kinds that are due again are forgotten first, then all share one. */
    static final int MAX_KINDS = 4096;
    private static final String SUPPRESSED_LOGGER = "dev.loggregator.logging.suppressed";
    private static final String OVERFLOW = "(other kinds)";

    private final Map<String, Kind> kinds = new ConcurrentHashMap<>();
    private final List<String> exempt = new ArrayList<>(List.of("dev.loggregator"));
    private final LongSupplier clock;
    private long intervalNanos = TimeUnit.SECONDS.toNanos(10);

    public LogFloodFilter() {
        this(System::nanoTime);
    }

    LogFloodFilter(LongSupplier clock) {
        this.clock = clock;
    }

    public void setIntervalMillis(long millis) {
        this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(millis);
    }

    public void addExempt(String loggerPrefix) {
        exempt.add(loggerPrefix);
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        // isDebugEnabled() and friends come here without a message; so do lines the level drops anyway.
        if ((format == null && t == null) || level == null || !level.isGreaterOrEqual(logger.getEffectiveLevel())) {
            return FilterReply.NEUTRAL;
        }
        boolean marked = marker != null && marker.contains(BadInput.MARKER);
        if (!marked && isExempt(logger.getName())) {
            return FilterReply.NEUTRAL;
        }
        String key = logger.getName() + ' ' + level + (marked ? ' ' + String.valueOf(format) : "");
        long suppressed = kind(key).pass(clock.getAsLong(), intervalNanos);
        if (suppressed < 0) {
            return FilterReply.DENY;
        }
        if (suppressed > 0) {
            LoggerFactory.getLogger(SUPPRESSED_LOGGER).warn("{} more lines like the next were suppressed ({} {})",
                    suppressed, level, logger.getName());
        }
        return FilterReply.NEUTRAL;
    }

    private boolean isExempt(String name) {
        for (String prefix : exempt) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private Kind kind(String key) {
        Kind kind = kinds.get(key);
        if (kind != null) {
            return kind;
        }
        if (kinds.size() >= MAX_KINDS) {
            long now = clock.getAsLong();
            kinds.values().removeIf(k -> k.due(now));
            if (kinds.size() >= MAX_KINDS) {
                return kinds.computeIfAbsent(OVERFLOW, k -> new Kind());
            }
        }
        return kinds.computeIfAbsent(key, k -> new Kind());
    }

    int kindsHeld() {
        return kinds.size();
    }

    /** When a kind may next be logged, and how many of it were held back since it last was. */
    private static final class Kind {
        private long next;
        private boolean seen;
        private long suppressed;

        /** -1: hold this line back; otherwise let it through, with how many were held back before it. */
        synchronized long pass(long now, long interval) {
            if (seen && now - next < 0) {
                suppressed++;
                return -1;
            }
            seen = true;
            next = now + interval;
            long held = suppressed;
            suppressed = 0;
            return held;
        }

        synchronized boolean due(long now) {
            return now - next >= 0 && suppressed == 0;
        }
    }
}
