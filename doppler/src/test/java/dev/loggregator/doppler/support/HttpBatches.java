package dev.loggregator.doppler.support;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.loggregator.wire.framing.EnvelopeBatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;

/** GETs the Doppler's batch-bodied HTTP endpoints (recent logs, container metrics). */
public final class HttpBatches {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HttpBatches() {
    }

    public static HttpResponse<byte[]> get(int port, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static List<Envelope> envelopes(int port, String path) {
        HttpResponse<byte[]> response = get(port, path);
        if (response.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + response.statusCode());
        }
        List<Envelope> out = new ArrayList<>();
        for (byte[] bytes : EnvelopeBatch.decode(response.body(), 1 << 20)) {
            try {
                out.add(Envelope.parseFrom(bytes));
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }
}
