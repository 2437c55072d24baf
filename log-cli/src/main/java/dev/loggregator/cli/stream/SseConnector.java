package dev.loggregator.cli.stream;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.loggregator.cli.config.Target;
import dev.loggregator.cli.http.HttpClients;
import dev.loggregator.cli.output.Notices;
import dev.loggregator.cli.v2.V2Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The v2 read API's streams ({@code GET /v2/read}, the RLP gateway's Server-Sent Events), read
 * with the JDK's HTTP client: each unnamed event is one {@code EnvelopeBatch} in protojson, decoded
 * strictly and handed to {@code batches}. Events that cannot be read are skipped and counted on
 * stderr (once, then every 1000th), as unreadable v1 frames are.
 */
public final class SseConnector implements StreamConnector {
    /**
     * Four of the real gateway's 15 s heartbeats: a connection that brings neither data nor a
     * heartbeat for this long is dead (a vanished peer leaves a TCP connection open for hours).
     */
    static final Duration SILENCE_LIMIT = Duration.ofSeconds(60);
    /** Far above any batch the gateway sends (1000 envelopes) but bounded, so a broken server cannot exhaust memory. */
    static final int MAX_EVENT_CHARS = 64 * 1024 * 1024;

    private final Target target;
    private final URI uri;
    private final Batches batches;
    private final Notices notices;
    /** Made on first use: a v2 stream that is only a fallback costs nothing while v1 works. */
    private HttpClient client;
    private ScheduledExecutorService watchdogs;
    private final AtomicLong unreadable = new AtomicLong();

    public SseConnector(Target target, URI uri, Batches batches, Notices notices) {
        this.target = target;
        this.uri = uri;
        this.batches = batches;
        this.notices = notices;
    }

    @Override
    public URI uri() {
        return uri;
    }

    @Override
    public String api() {
        return "the v2 read API (/v2/read)";
    }

    @Override
    public synchronized StreamConnection connect() {
        if (client == null) {
            client = HttpClients.create(target.tls());
            watchdogs = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "logs-sse-watchdog");
                thread.setDaemon(true);
                return thread;
            });
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET()
                .header("Accept", "text/event-stream")
                .header("Cache-Control", "no-cache");
        String authorization = target.tokens().authorization();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return new SseConnection(client, request.build(), this::event, this::oversized, watchdogs, SILENCE_LIMIT);
    }

    /** An event of the stream other than heartbeat and closing, which the connection handles itself. */
    private void event(String name, String data) {
        if (!"message".equals(name)) {
            // The gateway sends no other events; go-loggregator would read one as a batch, which is no better.
            unreadable("an event named '" + name + "'");
            return;
        }
        try {
            batches.batch(V2Json.batch(data));
        } catch (InvalidProtocolBufferException e) {
            unreadable(e.getMessage());
        }
    }

    private void oversized(long chars) {
        unreadable("an event of " + chars + " characters, more than " + MAX_EVENT_CHARS);
    }

    private void unreadable(String why) {
        long count = unreadable.incrementAndGet();
        if (count == 1 || count % 1000 == 0) {
            notices.say("skipped " + count + " unreadable event" + (count == 1 ? "" : "s") + " from the server (" + why + ")");
        }
    }
}
