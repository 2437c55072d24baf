package dev.loggregator.e2e.bench;

import dev.loggregator.e2e.client.EnvelopeStream;
import java.net.URI;
import java.net.http.HttpClient;

/** The v1 firehose over WebSocket (JDK client): one marshalled v1 envelope per binary message. */
final class V1FirehoseReader implements BenchReader {
    private final DeliveryCounter counter;
    private final EnvelopeStream stream;

    V1FirehoseReader(HttpClient http, URI firehose, String authorization, String appPrefix) {
        this.counter = new DeliveryCounter(appPrefix);
        this.stream = EnvelopeStream.open(http, firehose, authorization, counter);
    }

    @Override
    public DeliveryCounter counter() {
        return counter;
    }

    @Override
    public boolean isOpen() {
        return stream.isOpen();
    }

    @Override
    public String closedReason() {
        return stream.isOpen() ? null : String.valueOf(stream.closed().getNow(null));
    }

    @Override
    public void close() {
        stream.close();
    }
}
