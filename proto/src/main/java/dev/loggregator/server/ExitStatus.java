package dev.loggregator.server;

/**
 * The exit statuses of the server processes (doppler, traffic-controller, gateway). Operators and
 * the launcher branch on these, so they keep their meaning.
 */
public final class ExitStatus {
    /** {@code --help}, {@code --version}, or a drain after SIGTERM/SIGINT. */
    public static final int OK = 0;
    /** The manifest was fine but the server could not start (e.g. a port in use). */
    public static final int STARTUP_FAILED = 1;
    /** A bad command line or a bad manifest: one line on stderr says what is wrong. */
    public static final int USAGE = 2;
    /** A thread died of an {@link Error} (e.g. out of memory) while running: the process ends at once. */
    public static final int FATAL = 3;

    private ExitStatus() {
    }
}
