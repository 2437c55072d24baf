package dev.loggregator.logging;

import ch.qos.logback.core.OutputStreamAppender;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Standard output for lines written at the rate of the traffic (the gateway's access log: a line
 * per request and per tunnel), in batches: lines collect in a buffer that is written when full and
 * at least every {@code flushMillis} (100 ms by default), as nginx's {@code access_log ...
 * buffer= flush=}. Logback's console appender makes one {@code write(2)} per line, about 1.3 us of
 * the gateway's 93 us of CPU per proxied WebSocket handshake under saturation. A line is never
 * split between two writes (a line longer than the buffer is written alone), so lines of this
 * appender and of the console appender on the same descriptor do not mix.
 *
 * <p>What is still buffered when the process ends is written by {@link LogFlush#beforeExit()};
 * a process killed outright loses at most the last {@code flushMillis} of lines.
 */
public final class BufferedStdoutAppender<E> extends OutputStreamAppender<E> {
    private int bufferSize = 64 * 1024;
    private long flushMillis = 100;
    private ScheduledExecutorService flusher;
    /** Where batches go; another stream only in tests. */
    private final OutputStream target;

    public BufferedStdoutAppender() {
        this(new FileOutputStream(FileDescriptor.out));
    }

    BufferedStdoutAppender(OutputStream target) {
        this.target = target;
    }

    public void setBufferSize(int bufferSize) {
        this.bufferSize = bufferSize;
    }

    public void setFlushMillis(long flushMillis) {
        this.flushMillis = flushMillis;
    }

    @Override
    public void start() {
        if (bufferSize < 1 || flushMillis < 1) {
            addError("bufferSize and flushMillis must be positive, got " + bufferSize + " and " + flushMillis);
            return;
        }
        setImmediateFlush(false);
        setOutputStream(new BufferedOutputStream(target, bufferSize));
        super.start();
        if (!isStarted()) {
            return;
        }
        flusher = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "log-flush-" + getName());
            thread.setDaemon(true);
            return thread;
        });
        flusher.scheduleWithFixedDelay(this::flush, flushMillis, flushMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        if (flusher != null) {
            flusher.shutdownNow();
        }
        super.stop();
    }

    /** Writes what is buffered; called under the lock the appender writes lines under, so never in mid-line. */
    void flush() {
        streamWriteLock.lock();
        try {
            OutputStream out = getOutputStream();
            if (out != null) {
                out.flush();
            }
        } catch (IOException e) {
            addError("cannot write buffered lines", e);
        } finally {
            streamWriteLock.unlock();
        }
    }

    /** Flushes instead of closing: the stream is standard output, which the console appender writes to as well. */
    @Override
    protected void closeOutputStream() {
        flush();
    }
}
