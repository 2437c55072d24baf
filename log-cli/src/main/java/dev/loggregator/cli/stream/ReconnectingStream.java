package dev.loggregator.cli.stream;

import dev.loggregator.cli.CliException;
import dev.loggregator.cli.ExitCode;
import dev.loggregator.cli.config.ConnectionProblems;
import dev.loggregator.cli.config.Target;
import dev.loggregator.cli.output.Notices;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A stream that survives network trouble, as noaa's consumer (v1) and go-loggregator's
 * RLPGatewayClient (v2) do: after a disconnect it reconnects with {@link Backoff} (0.5 s doubling
 * to 60 s, reset on success), telling the user on stderr, and gives up after 1000 consecutive
 * failures; a stream the server announced it would end (the v2 read API's {@code closing} event) is
 * reopened at once. Every reconnection says how long the stream was down (the {@link Gap}, from the
 * last data or heartbeat the old connection brought), and hands the gap to the listener, which may
 * fill it. A 401 (or, once connected, a 404: how the v2 read API refuses an expired token)
 * fetches a fresh token from the token command once. The first connection
 * attempt, a 401 that a fresh token does not cure, a 404 and a TLS failure end the stream with a
 * {@link CliException} instead: those need the user, not a retry. With a fallback, a 404 to the
 * very first attempt (the API is not served there) switches to the fallback for good.
 */
public final class ReconnectingStream {
    /** Told each time a connection is up. */
    @FunctionalInterface
    public interface Listener {
        /**
         * @param connector the connector that made the connection
         * @param gap       null the first time; then how long the stream was down before this connection
         */
        void connected(StreamConnector connector, Gap gap);

        /**
         * Told before each attempt to open a connection: its reader may deliver messages as soon as it
         * is open, before {@link #connected} is called.
         */
        default void connecting() {
        }
    }

    static final int MAX_CONSECUTIVE_FAILURES = 1000;
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(3);

    private final Target target;
    private final String notFoundMessage;
    private final Notices notices;
    private final Listener onConnect;
    private final CompletableFuture<Integer> stopRequested = new CompletableFuture<>();
    private StreamConnector connector;
    private StreamConnector fallback;
    private String switchNotice;
    private volatile StreamConnection current;

    /**
     * @param fallback        used instead of {@code connector} when its first attempt is answered with 404; may be null
     * @param notFoundMessage what a 404 means here (e.g. "app 'x' not found, or you may not read its logs")
     * @param onConnect       runs on this stream's thread each time a connection is up (the first time, e.g.
     *                        to print a banner), with the connector that made it and the gap before it
     */
    public ReconnectingStream(Target target, StreamConnector connector, StreamConnector fallback, String notFoundMessage,
                              Notices notices, Listener onConnect) {
        this.target = target;
        this.connector = connector;
        this.fallback = fallback;
        this.notFoundMessage = notFoundMessage;
        this.notices = notices;
        this.onConnect = onConnect;
    }

    /**
     * Ends the stream: closes the connection normally and makes {@link #run()} return
     * {@code exitCode}. Safe from any thread, e.g. a signal handler; only the first call counts.
     */
    public void stop(int exitCode) {
        if (stopRequested.complete(exitCode)) {
            StreamConnection connection = current;
            if (connection != null) {
                connection.close();
            }
        }
    }

    public boolean stopped() {
        return stopRequested.isDone();
    }

    /** Streams until {@link #stop(int)}; returns the exit code given there, or throws a {@link CliException}. */
    public int run() {
        Backoff backoff = Backoff.standard();
        boolean everConnected = false;
        boolean refreshedToken = false;
        int failures = 0;
        long lastSeenMillis = 0;
        while (!stopped()) {
            StreamConnection connection = connector.connect();
            current = connection;
            if (stopped()) {
                break;
            }
            CliException dialFailure = null;
            onConnect.connecting();
            try {
                connection.dial();
            } catch (IOException e) {
                dialFailure = ConnectionProblems.forException(e, uri());
            }
            if (dialFailure == null && awaitOpen(connection)) {
                Gap gap = everConnected ? new Gap(lastSeenMillis, System.currentTimeMillis()) : null;
                if (gap != null) {
                    notices.say("reconnected to " + ConnectionProblems.origin(uri()) + " after a gap of " + gap.length()
                            + " (nothing came after " + Gap.timeOfDay(gap.lastSeenMillis()) + ")");
                } else if (switchNotice != null) {
                    notices.say(switchNotice);
                }
                onConnect.connected(connector, gap);
                everConnected = true;
                refreshedToken = false;
                failures = 0;
                backoff.reset();
                StreamEnd end = awaitClosed(connection);
                lastSeenMillis = connection.lastActivityMillis();
                if (stopped()) {
                    break;
                }
                if (end != null && end.announced()) {
                    notices.say("the server ended the stream (" + end.description() + "); reconnecting");
                    continue;
                }
                Duration delay = backoff.next();
                notices.say("connection to " + ConnectionProblems.origin(uri()) + " lost ("
                        + (end == null ? "closed" : end.description()) + "); reconnecting in " + Backoff.describe(delay));
                sleep(delay);
                continue;
            }
            if (stopped()) {
                break;
            }
            CliException problem = dialFailure != null ? dialFailure : classify(connection.closed().getNow(null));
            if (problem.exitCode() == ExitCode.NOT_FOUND && !everConnected && fallback != null) {
                // Said once the fallback works: if it answers 404 too, the app is not there (one line, as ever).
                switchNotice = connector.api() + " answered 404 at " + ConnectionProblems.origin(uri()) + "; reading " + fallback.api();
                connector = fallback;
                fallback = null;
                continue;
            }
            // The v2 read API (as the RLP gateway) answers a token that expired mid-stream with 404, not 401.
            boolean tokenRefused = problem.exitCode() == ExitCode.UNAUTHORIZED || (everConnected && problem.exitCode() == ExitCode.NOT_FOUND);
            if (tokenRefused && target.tokens().canRefresh() && !refreshedToken) {
                notices.say("token rejected; fetching a fresh one with the token command");
                target.tokens().refresh();
                refreshedToken = true;
                continue;
            }
            boolean needsUser = problem.exitCode() == ExitCode.UNAUTHORIZED || problem.exitCode() == ExitCode.NOT_FOUND
                    || problem.exitCode() == ExitCode.TLS;
            if (!everConnected || needsUser) {
                throw problem;
            }
            if (++failures >= MAX_CONSECUTIVE_FAILURES) {
                throw new CliException(ExitCode.UNREACHABLE, "giving up after " + failures
                        + " failed reconnection attempts; last: " + problem.getMessage());
            }
            Duration delay = backoff.next();
            notices.say("cannot reconnect (" + problem.getMessage() + "); retrying in " + Backoff.describe(delay));
            sleep(delay);
        }
        StreamConnection last = current;
        if (last != null) {
            last.finish(CLOSE_GRACE);
        }
        return stopRequested.getNow(ExitCode.OK);
    }

    private URI uri() {
        return connector.uri();
    }

    /** True once open; false if the attempt failed, timed out or the stream was stopped meanwhile. */
    private boolean awaitOpen(StreamConnection connection) {
        try {
            CompletableFuture.anyOf(connection.opened(), stopRequested).get(HANDSHAKE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            connection.abort("no answer to the request for the stream within " + HANDSHAKE_TIMEOUT.toSeconds() + " s");
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop(ExitCode.OK);
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
        return !stopped() && connection.opened().getNow(false);
    }

    private StreamEnd awaitClosed(StreamConnection connection) {
        try {
            CompletableFuture.anyOf(connection.closed(), stopRequested).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop(ExitCode.OK);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
        return connection.closed().getNow(null);
    }

    private void sleep(Duration delay) {
        try {
            stopRequested.get(delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // Slept the whole delay: time to retry.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop(ExitCode.OK);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    private CliException classify(StreamEnd end) {
        URI uri = uri();
        if (end == null) {
            return new CliException(ExitCode.UNREACHABLE, "no connection to " + ConnectionProblems.origin(uri));
        }
        if (end.refusal() != null) {
            return ConnectionProblems.forStatus(end.refusal().status(), end.refusal().body(), uri, notFoundMessage);
        }
        if (end.failure() instanceof BadServerResponse bad) {
            return new CliException(ExitCode.SERVER_ERROR, "bad server response from " + ConnectionProblems.origin(uri)
                    + ": " + bad.getMessage(), bad);
        }
        if (end.failure() != null) {
            return ConnectionProblems.forException(end.failure(), uri);
        }
        return new CliException(ExitCode.UNREACHABLE, "connection to " + ConnectionProblems.origin(uri)
                + " closed before the stream started (" + end.description() + ")");
    }
}
