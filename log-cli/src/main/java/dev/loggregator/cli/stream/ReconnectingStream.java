package dev.loggregator.cli.stream;

import dev.loggregator.cli.CliException;
import dev.loggregator.cli.ExitCode;
import dev.loggregator.cli.config.ConnectionProblems;
import dev.loggregator.cli.config.Target;
import dev.loggregator.cli.output.Notices;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A Traffic Controller WebSocket stream that survives network trouble, as noaa's consumer does:
 * after a disconnect it reconnects with {@link Backoff} (0.5 s doubling to 60 s, reset on success),
 * telling the user on stderr, and gives up after 1000 consecutive failures. A 401 fetches a fresh
 * token from the token command once. The first connection attempt, a 401 that a fresh token does
 * not cure, a 404 and a TLS failure end the stream with a {@link CliException} instead: those need
 * the user, not a retry.
 */
public final class ReconnectingStream {
    static final int MAX_CONSECUTIVE_FAILURES = 1000;
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(3);

    private final Target target;
    private final URI uri;
    private final String notFoundMessage;
    private final Frames frames;
    private final Notices notices;
    private final Runnable onFirstConnect;
    private final CompletableFuture<Integer> stopRequested = new CompletableFuture<>();
    private volatile EnvelopeSocket current;

    /**
     * @param notFoundMessage what a 404 means here (e.g. "app 'x' not found, or you may not read its logs")
     * @param frames          receives every envelope's bytes, on the socket's reader thread
     * @param onFirstConnect  runs once, when the first connection is up (e.g. to print a banner)
     */
    public ReconnectingStream(Target target, URI uri, String notFoundMessage, Frames frames,
                              Notices notices, Runnable onFirstConnect) {
        this.target = target;
        this.uri = uri;
        this.notFoundMessage = notFoundMessage;
        this.frames = frames;
        this.notices = notices;
        this.onFirstConnect = onFirstConnect;
    }

    /**
     * Ends the stream: closes the connection with 1000 (normal closure) and makes {@link #run()}
     * return {@code exitCode}. Safe from any thread, e.g. a signal handler; only the first call counts.
     */
    public void stop(int exitCode) {
        if (stopRequested.complete(exitCode)) {
            EnvelopeSocket socket = current;
            if (socket != null) {
                socket.close(1000);
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
        while (!stopped()) {
            EnvelopeSocket socket = EnvelopeSocket.create(uri, headers(), target.tls(), frames);
            current = socket;
            if (stopped()) {
                break;
            }
            CliException dialFailure = null;
            try {
                socket.dial();
            } catch (IOException e) {
                dialFailure = ConnectionProblems.forException(e, uri);
            }
            if (dialFailure == null && awaitOpen(socket)) {
                if (everConnected) {
                    notices.say("reconnected to " + ConnectionProblems.origin(uri));
                } else {
                    onFirstConnect.run();
                }
                everConnected = true;
                refreshedToken = false;
                failures = 0;
                backoff.reset();
                EnvelopeSocket.Closed closed = awaitClosed(socket);
                if (stopped()) {
                    break;
                }
                Duration delay = backoff.next();
                notices.say("connection to " + ConnectionProblems.origin(uri) + " lost (" + describe(closed)
                        + "); reconnecting in " + Backoff.describe(delay));
                sleep(delay);
                continue;
            }
            if (stopped()) {
                break;
            }
            CliException problem = dialFailure != null ? dialFailure : classify(socket.closed().getNow(null));
            if (problem.exitCode() == ExitCode.UNAUTHORIZED && target.tokens().canRefresh() && !refreshedToken) {
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
        awaitGracefulClose();
        return stopRequested.getNow(ExitCode.OK);
    }

    private Map<String, String> headers() {
        Map<String, String> headers = new HashMap<>();
        String authorization = target.tokens().authorization();
        if (authorization != null) {
            headers.put("Authorization", authorization);
        }
        // noaa sends the endpoint as Origin; some proxies insist on one for upgrades.
        headers.put("Origin", target.http("").toString());
        return headers;
    }

    /** True once open; false if the attempt failed, timed out or the stream was stopped meanwhile. */
    private boolean awaitOpen(EnvelopeSocket socket) {
        try {
            CompletableFuture.anyOf(socket.opened(), stopRequested).get(HANDSHAKE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            socket.closeConnection(1006, "no answer to the WebSocket handshake within " + HANDSHAKE_TIMEOUT.toSeconds() + " s");
            socket.closed().join();
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop(ExitCode.OK);
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
        return !stopped() && socket.opened().getNow(false);
    }

    private EnvelopeSocket.Closed awaitClosed(EnvelopeSocket socket) {
        try {
            CompletableFuture.anyOf(socket.closed(), stopRequested).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop(ExitCode.OK);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
        return socket.closed().getNow(null);
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

    /** Lets the close handshake (our 1000, the server's echo) finish so the server sees a clean close. */
    private void awaitGracefulClose() {
        EnvelopeSocket socket = current;
        if (socket == null || !socket.started()) {
            return;
        }
        if (!socket.isClosing() && !socket.isClosed()) {
            socket.close(1000);
        }
        try {
            socket.closed().get(CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            socket.closeConnection(1000, "");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private CliException classify(EnvelopeSocket.Closed closed) {
        if (closed == null) {
            return new CliException(ExitCode.UNREACHABLE, "no connection to " + ConnectionProblems.origin(uri));
        }
        if (closed.refusal() != null) {
            return ConnectionProblems.forStatus(closed.refusal().status(), closed.refusal().body(), uri, notFoundMessage);
        }
        if (closed.failure() != null) {
            return ConnectionProblems.forException(closed.failure(), uri);
        }
        return new CliException(ExitCode.UNREACHABLE, "connection to " + ConnectionProblems.origin(uri)
                + " closed before the stream started (" + describe(closed) + ")");
    }

    static String describe(EnvelopeSocket.Closed closed) {
        if (closed == null) {
            return "closed";
        }
        String who = closed.byServer() ? "closed by the server" : "closed";
        String reason = closed.reason() == null || closed.reason().isBlank() ? "" : ": " + closed.reason();
        if (closed.code() == 1006 && closed.failure() != null && reason.isEmpty()) {
            reason = ": " + closed.failure().getMessage();
        }
        return who + ", code " + closed.code() + reason;
    }
}
