package dev.loggregator.trafficcontroller.support;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.EnvelopeBatch;

/**
 * A reader of {@code /v2/read} that splits the stream into Server-Sent Events the way go-loggregator's
 * RLPGatewayClient does (lines ending in {@code \n}, {@code data: } lines until a blank line) and
 * parses every data event with protobuf's strict JSON parser (an unknown field fails the test).
 */
public final class SseClient implements AutoCloseable {
    /** One event: its {@code event:} name (null for a data event) and data. */
    public record Event(String name, String data) {
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final HttpResponse<Stream<String>> response;
    private final ConcurrentLinkedQueue<Event> events = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Envelope> envelopes = new ConcurrentLinkedQueue<>();
    private final Thread reader;
    private volatile String parseError;
    private volatile boolean ended;

    private SseClient(HttpResponse<Stream<String>> response) {
        this.response = response;
        this.reader = new Thread(this::read, "sse-client");
        reader.setDaemon(true);
        reader.start();
    }

    public static SseClient open(String url, String authorization) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream").GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            return new SseClient(HTTP.send(request.build(), HttpResponse.BodyHandlers.ofLines()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private void read() {
        String name = null;
        StringBuilder data = new StringBuilder();
        try (Stream<String> lines = response.body()) {
            for (String line : (Iterable<String>) lines::iterator) {
                if (line.isEmpty()) {
                    Event event = new Event(name, data.toString());
                    events.add(event);
                    if (name == null && response.statusCode() == 200) {
                        parse(event.data());
                    }
                    name = null;
                    data.setLength(0);
                } else if (line.startsWith("event: ")) {
                    name = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data.append(line.substring(6));
                } else {
                    parseError = "unexpected line: " + line;
                }
            }
        } catch (RuntimeException e) {
            // The connection was closed under us.
        } finally {
            ended = true;
        }
    }

    private void parse(String json) {
        EnvelopeBatch.Builder batch = EnvelopeBatch.newBuilder();
        try {
            JsonFormat.parser().merge(json, batch);
            envelopes.addAll(batch.getBatchList());
        } catch (InvalidProtocolBufferException e) {
            parseError = "not a strict EnvelopeBatch: " + e.getMessage() + ": " + json;
        }
    }

    public int status() {
        return response.statusCode();
    }

    public HttpResponse<Stream<String>> response() {
        return response;
    }

    public List<Envelope> envelopes() {
        return new ArrayList<>(envelopes);
    }

    public List<Event> events() {
        return new ArrayList<>(events);
    }

    public String parseError() {
        return parseError;
    }

    public boolean ended() {
        return ended;
    }

    @Override
    public void close() {
        reader.interrupt();
        response.body().close();
        try {
            reader.join(TimeUnit.SECONDS.toMillis(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
