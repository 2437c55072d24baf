package dev.loggregator.cli.stream;

import dev.loggregator.cli.config.Target;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;

/** The v1 API's streams: a WebSocket whose binary frames are marshalled v1 envelopes, handed to {@code frames}. */
public final class WebSocketConnector implements StreamConnector {
    private final Target target;
    private final URI uri;
    private final Frames frames;

    public WebSocketConnector(Target target, URI uri, Frames frames) {
        this.target = target;
        this.uri = uri;
        this.frames = frames;
    }

    @Override
    public URI uri() {
        return uri;
    }

    @Override
    public String api() {
        return "the v1 WebSocket API";
    }

    @Override
    public StreamConnection connect() {
        Map<String, String> headers = new HashMap<>();
        String authorization = target.tokens().authorization();
        if (authorization != null) {
            headers.put("Authorization", authorization);
        }
        // noaa sends the endpoint as Origin; some proxies insist on one for upgrades.
        headers.put("Origin", target.http("").toString());
        return EnvelopeSocket.create(uri, headers, target.tls(), frames);
    }
}
