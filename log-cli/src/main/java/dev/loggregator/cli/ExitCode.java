package dev.loggregator.cli;

/**
 * The documented exit statuses of {@code logs}. Scripts branch on these, so they never change
 * meaning; the README's "Exit codes" table lists the same values.
 */
public final class ExitCode {
    /** Success, including Ctrl-C, {@code --max-lines} reached and an expired {@code --timeout} without {@code --max-lines}. */
    public static final int OK = 0;
    /** An unexpected internal error (a bug): the message says what happened. */
    public static final int INTERNAL = 1;
    /** Bad arguments, a bad or missing configuration (e.g. no target set). */
    public static final int USAGE = 2;
    /** The endpoint cannot be reached (connection refused, unknown host, connect timeout, retries exhausted). */
    public static final int UNREACHABLE = 3;
    /** The TLS handshake failed (untrusted or mismatched certificate). */
    public static final int TLS = 4;
    /** The server rejected the token (HTTP 401/403). */
    public static final int UNAUTHORIZED = 5;
    /** No such app, or no access to its logs (HTTP 404). */
    public static final int NOT_FOUND = 6;
    /** The server answered something else (another HTTP status, a malformed response). */
    public static final int SERVER_ERROR = 7;
    /** {@code --timeout} expired before {@code --max-lines} lines arrived, or a request timed out (as coreutils' timeout). */
    public static final int TIMEOUT = 124;

    private ExitCode() {
    }
}
