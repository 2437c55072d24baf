package dev.loggregator.logging;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Lines written in batches of whole lines, at least every flush interval, and all of them when logging stops. */
class BufferedStdoutAppenderTest {
    /** Every write(2) the appender would make, as the bytes it carried. */
    private final List<String> writes = new CopyOnWriteArrayList<>();
    private volatile boolean closed;
    private final OutputStream target = new OutputStream() {
        @Override
        public void write(int b) {
            writes.add(String.valueOf((char) b));
        }

        @Override
        public void write(byte[] bytes, int off, int len) {
            writes.add(new String(bytes, off, len, StandardCharsets.UTF_8));
        }

        @Override
        public void close() {
            closed = true;
        }
    };
    private final LoggerContext context = new LoggerContext();
    private final BufferedStdoutAppender<ILoggingEvent> appender = new BufferedStdoutAppender<>(target);

    private Logger logger(int bufferSize, long flushMillis) {
        context.setMDCAdapter(new LogbackMDCAdapter());
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%msg%n");
        encoder.start();
        appender.setContext(context);
        appender.setName("access");
        appender.setEncoder(encoder);
        appender.setBufferSize(bufferSize);
        appender.setFlushMillis(flushMillis);
        appender.start();
        Logger logger = context.getLogger("access");
        logger.addAppender(appender);
        return logger;
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    @Test
    void manyLinesGoOutInFewWritesOfWholeLines() {
        Logger log = logger(4096, 60_000);
        for (int i = 0; i < 1000; i++) {
            log.info("tunnel {} bytes_up=123 bytes_down=456", i);
        }
        assertTrue(writes.size() < 20, "writes for 1000 lines: " + writes.size());
        writes.forEach(write -> assertTrue(write.endsWith("\n"), "a write ends a line: " + write));
        context.stop();
        String all = String.join("", writes);
        assertEquals(1000, all.lines().count(), "every line once, the rest written when logging stops");
        assertTrue(all.startsWith("tunnel 0 ") && all.endsWith("tunnel 999 bytes_up=123 bytes_down=456\n"));
    }

    @Test
    void aQuietLineIsWrittenWithinTheFlushInterval() {
        Logger log = logger(65_536, 50);
        log.info("one request");
        await().atMost(Duration.ofSeconds(5)).until(() -> writes.contains("one request\n"));
    }

    @Test
    void aLineLongerThanTheBufferIsWrittenWholeAndStandardOutputIsNotClosed() {
        Logger log = logger(64, 60_000);
        log.info("short");
        String longLine = "x".repeat(200);
        log.info(longLine);
        assertEquals(List.of("short\n", longLine + "\n"), writes);
        context.stop();
        assertFalse(appender.isStarted());
        assertFalse(closed, "standard output stays open for the other appenders");
    }
}
