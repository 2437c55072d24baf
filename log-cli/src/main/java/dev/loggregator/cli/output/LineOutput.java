package dev.loggregator.cli.output;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Standard output for data lines: UTF-8, buffered (callers flush after each batch), counting lines
 * for {@code --max-lines}. When the limit is reached, or the reader has gone away (a closed pipe,
 * as with {@code | head}), it calls {@code onDone} once and prints nothing more.
 */
public final class LineOutput {
    private final PrintStream out;
    private final long maxLines;
    private final Runnable onDone;
    private long printed;
    private boolean done;

    /**
     * @param maxLines at most this many lines; 0 or less for no limit
     * @param onDone   runs once when the limit is reached or output fails
     */
    public LineOutput(PrintStream out, long maxLines, Runnable onDone) {
        this.out = out;
        this.maxLines = maxLines;
        this.onDone = onDone;
    }

    public static PrintStream stdout() {
        return new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16), false, StandardCharsets.UTF_8);
    }

    /** Prints one line; false once nothing more may be printed. */
    public synchronized boolean println(String line) {
        if (done) {
            return false;
        }
        out.print(line);
        out.print('\n');
        printed++;
        if (maxLines > 0 && printed >= maxLines) {
            finish();
            return false;
        }
        return true;
    }

    public synchronized void flush() {
        out.flush();
        if (out.checkError() && !done) {
            finish();
        }
    }

    public synchronized boolean done() {
        return done;
    }

    /** True when {@code --max-lines} was given and that many lines were printed. */
    public synchronized boolean limitReached() {
        return maxLines > 0 && printed >= maxLines;
    }

    private void finish() {
        done = true;
        out.flush();
        onDone.run();
    }
}
