package dev.loggregator.e2e.faults;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.loggregator.e2e.client.EnvelopeStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.concurrent.ConcurrentHashMap;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope.EventType;

/** A v1 WebSocket consumer: a firehose subscription (its connections share the id) or one app's stream. */
final class V1Consumer extends Consumer {
    private final HttpClient http;
    private final URI uri;
    private final String authorization;
    private final Set<EnvelopeStream> open = ConcurrentHashMap.newKeySet();

    private V1Consumer(String name, Arrivals arrivals, int appIndex, int connections, HttpClient http, URI uri,
                       String authorization) {
        super(name, arrivals, appIndex, connections);
        this.http = http;
        this.uri = uri;
        this.authorization = authorization;
    }

    static V1Consumer firehose(Ledger ledger, HttpClient http, URI endpoint, String subscription, int connections,
                               String authorization) {
        return new V1Consumer("firehose", new Arrivals(ledger), -1, connections, http,
                endpoint.resolve("/firehose/" + subscription), authorization);
    }

    static V1Consumer appStream(Ledger ledger, int app, HttpClient http, URI endpoint, String authorization) {
        return new V1Consumer("app stream " + ledger.app(app), new Arrivals(ledger), app, 1, http,
                endpoint.resolve("/apps/" + ledger.app(app) + "/stream"), authorization);
    }

    @Override
    protected void readUntilTheStreamEnds(Runnable opened, BooleanSupplier running) {
        EnvelopeStream stream = EnvelopeStream.open(http, uri, authorization, this::envelope);
        open.add(stream);
        opened.run();
        try {
            // An aborted stream never completes closed(): look at running now and then.
            while (running.getAsBoolean() && !stream.closed().isDone()) {
                try {
                    stream.closed().get(200, TimeUnit.MILLISECONDS);
                } catch (TimeoutException | ExecutionException e) {
                    // Still open, or ended: the loop condition tells.
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        } finally {
            open.remove(stream);
            stream.abort();
        }
    }

    private void envelope(byte[] bytes) {
        Envelope envelope;
        try {
            envelope = Envelope.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            arrivals().notice("malformed envelope: " + e.getMessage());
            return;
        }
        if (envelope.getEventType() == EventType.LogMessage) {
            String text = envelope.getLogMessage().getMessage().toString(StandardCharsets.UTF_8);
            int number = Arrivals.number(text);
            if (number >= 0) {
                arrivals().line(envelope.getLogMessage().getAppId(), number);
            } else if (envelope.getLogMessage().getSourceType().equals("LGR")) {
                arrivals().notice(text);
            }
        } else if (envelope.getEventType() == EventType.CounterEvent
                && envelope.getCounterEvent().getName().equals("TruncatingBuffer.DroppedMessages")) {
            arrivals().notice("TruncatingBuffer.DroppedMessages delta " + envelope.getCounterEvent().getDelta());
        }
    }

    @Override
    protected void abortConnections() {
        open.forEach(EnvelopeStream::abort);
    }
}
