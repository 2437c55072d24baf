package dev.loggregator.cli.stream;

import java.net.URI;

/** Makes the connections of one stream: the same request each time, with the token in use at that moment. */
public interface StreamConnector {
    /** Where the stream comes from, for messages. */
    URI uri();

    /** Which API this is, for messages: "the v1 WebSocket API", "the v2 read API (/v2/read)". */
    String api();

    StreamConnection connect();
}
