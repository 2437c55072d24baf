package dev.loggregator.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a server does when one of its threads dies of an uncaught throwable. An {@link Error} (out of
 * memory, a stack overflow) may have killed a thread the server cannot work without, such as the
 * Doppler's router: the process would stay up, answer {@code /health} and route nothing. So an Error
 * ends the process at once with {@link ExitStatus#FATAL}, for the supervisor to restart it; a
 * RuntimeException only costs its thread and is logged.
 */
final class FatalErrors implements Thread.UncaughtExceptionHandler {
    static void install() {
        Thread.setDefaultUncaughtExceptionHandler(new FatalErrors());
    }

    @Override
    public void uncaughtException(Thread thread, Throwable failure) {
        if (!(failure instanceof Error)) {
            logger().error("Thread {} died: {}", thread.getName(), failure.toString(), failure);
            return;
        }
        try {
            System.err.println(thread.getName() + ": " + failure + ": exiting");
            logger().error("Thread {} died of {}: exiting with status {}", thread.getName(), failure, ExitStatus.FATAL, failure);
        } finally {
            // halt, not exit: shutdown hooks would drain through the very parts that may be broken.
            Runtime.getRuntime().halt(ExitStatus.FATAL);
        }
    }

    /** Looked up when needed, not when installed: logging starts with the server, after its command line is read. */
    private static Logger logger() {
        return LoggerFactory.getLogger(FatalErrors.class);
    }
}
