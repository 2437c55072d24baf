package dev.loggregator.logging;

import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;

/** The last step before a component halts the JVM: buffered log lines ({@link BufferedStdoutAppender}) are written out. */
public final class LogFlush {
    private LogFlush() {
    }

    /** Stops logback, which flushes every appender; nothing is logged after this. */
    public static void beforeExit() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.stop();
        }
    }
}
