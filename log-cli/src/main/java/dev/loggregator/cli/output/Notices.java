package dev.loggregator.cli.output;

import java.io.PrintStream;

/**
 * Messages for the person at the terminal (status, reconnects, dropped-message notices, errors):
 * always on stderr, prefixed {@code logs: }, so stdout carries only log data and stays pipeable.
 */
public final class Notices {
    private final PrintStream err;

    public Notices(PrintStream err) {
        this.err = err;
    }

    public static Notices stderr() {
        return new Notices(System.err);
    }

    public synchronized void say(String message) {
        err.println("logs: " + message);
        err.flush();
    }
}
