package dev.loggregator.cli.stream;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.LongConsumer;

/**
 * One {@code GET /v2/read} request and its Server-Sent Events, line by line as the JDK's HTTP
 * client delivers them, one line requested at a time (so a slow stdout slows the reading, and the
 * server drops for this client alone). {@code event: heartbeat} only proves the connection alive;
 * {@code event: closing} ends it as announced, and go-loggregator's client reconnects then, as
 * {@link ReconnectingStream} does. A refused request ends with its status and body.
 */
final class SseConnection implements StreamConnection, Flow.Subscriber<String> {
    private static final int MAX_REFUSAL_CHARS = 4096;

    private final HttpClient client;
    private final HttpRequest request;
    private final SseEventReader events;
    private final ScheduledExecutorService watchdogs;
    private final Duration silenceLimit;
    private final CompletableFuture<Boolean> opened = new CompletableFuture<>();
    private final CompletableFuture<StreamEnd> closed = new CompletableFuture<>();
    private final StringBuilder refusalBody = new StringBuilder();
    private volatile Flow.Subscription subscription;
    private volatile boolean ending;
    private volatile int status;
    private volatile String contentType = "";
    private volatile long lastLineNanos = System.nanoTime();
    private volatile String closingReason;
    private CompletableFuture<?> exchange;
    private ScheduledFuture<?> watchdog;

    SseConnection(HttpClient client, HttpRequest request, BiConsumer<String, String> onEvent, LongConsumer onOversized,
                  ScheduledExecutorService watchdogs, Duration silenceLimit) {
        this.client = client;
        this.request = request;
        this.watchdogs = watchdogs;
        this.silenceLimit = silenceLimit;
        this.events = new SseEventReader(new SseEventReader.Listener() {
            @Override
            public void event(String name, String data) {
                switch (name) {
                    case "heartbeat" -> {
                        // Liveness only: every line already counts.
                    }
                    case "closing" -> closingReason = data;
                    default -> onEvent.accept(name, data);
                }
            }

            @Override
            public void oversized(long chars) {
                onOversized.accept(chars);
            }
        }, SseConnector.MAX_EVENT_CHARS);
    }

    @Override
    public void dial() {
        exchange = client.sendAsync(request, this::subscriberFor).whenComplete((response, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                Exception exception = cause instanceof Exception e ? e : new IOException(cause);
                end(StreamEnd.failed(closedBy(cause), exception));
            }
        });
    }

    private HttpResponse.BodySubscriber<Void> subscriberFor(HttpResponse.ResponseInfo info) {
        status = info.statusCode();
        contentType = info.headers().firstValue("Content-Type").orElse("");
        return HttpResponse.BodySubscribers.fromLineSubscriber(this);
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        if (ending) {
            subscription.cancel();
            return;
        }
        if (status == 200) {
            if (!contentType.toLowerCase(Locale.ROOT).startsWith("text/event-stream")) {
                subscription.cancel();
                end(StreamEnd.failed("not an event stream", new BadServerResponse(
                        "expected a text/event-stream answer to " + request.uri().getRawPath() + ", got '" + contentType + "'")));
                return;
            }
            lastLineNanos = System.nanoTime();
            long checkMillis = Math.max(10, silenceLimit.toMillis() / 10);
            watchdog = watchdogs.scheduleAtFixedRate(this::checkSilence, checkMillis, checkMillis, TimeUnit.MILLISECONDS);
            opened.complete(true);
        }
        subscription.request(1);
    }

    @Override
    public void onNext(String line) {
        lastLineNanos = System.nanoTime();
        if (status != 200) {
            if (refusalBody.length() < MAX_REFUSAL_CHARS) {
                refusalBody.append(line).append('\n');
            }
        } else if (!ending) {
            events.line(line);
            if (closingReason != null) {
                Flow.Subscription current = subscription;
                current.cancel();
                end(new StreamEnd("closed by the server: " + closingReason, true, null, null));
                return;
            }
        }
        subscription.request(1);
    }

    @Override
    public void onError(Throwable failure) {
        Exception exception = failure instanceof Exception e ? e : new IOException(failure);
        end(StreamEnd.failed(closedBy(failure), exception));
    }

    @Override
    public void onComplete() {
        if (status != 200) {
            String body = refusalBody.length() > MAX_REFUSAL_CHARS ? refusalBody.substring(0, MAX_REFUSAL_CHARS) : refusalBody.toString();
            end(new StreamEnd("refused with HTTP " + status, false, null, new HandshakeResponse(status, "", body.strip())));
        } else {
            end(new StreamEnd("closed by the server", false, null, null));
        }
    }

    private void checkSilence() {
        long silentNanos = System.nanoTime() - lastLineNanos;
        if (silentNanos >= silenceLimit.toNanos()) {
            stopReading();
            end(StreamEnd.failed("no data and no heartbeat for " + silenceLimit.toSeconds() + " s",
                    new HttpTimeoutException("no data and no heartbeat for " + silenceLimit.toSeconds() + " s")));
        }
    }

    /** Closed first: whoever sees opened=false reads closed next. Only the first end counts. */
    private void end(StreamEnd end) {
        ending = true;
        ScheduledFuture<?> check = watchdog;
        if (check != null) {
            check.cancel(false);
        }
        closed.complete(end);
        opened.complete(false);
    }

    private void stopReading() {
        ending = true;
        Flow.Subscription current = subscription;
        if (current != null) {
            current.cancel();
        }
        CompletableFuture<?> pending = exchange;
        if (pending != null) {
            pending.cancel(true);
        }
    }

    private static String closedBy(Throwable failure) {
        return "closed: " + (failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage());
    }

    @Override
    public CompletableFuture<Boolean> opened() {
        return opened;
    }

    @Override
    public CompletableFuture<StreamEnd> closed() {
        return closed;
    }

    /** Cancelling the body makes the client close the connection, which ends the stream on the server. */
    @Override
    public void close() {
        stopReading();
        end(new StreamEnd("closed", false, null, null));
    }

    @Override
    public void abort(String reason) {
        stopReading();
        end(new StreamEnd("closed: " + reason, false, null, null));
    }

    @Override
    public void finish(Duration grace) {
        close();
    }
}
