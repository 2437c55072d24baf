package dev.loggregator.e2e.launcher;

/** The system could not be started or stopped; the message is meant for the person at the terminal. */
public final class LaunchException extends RuntimeException {
    public LaunchException(String message) {
        super(message);
    }
}
