package dev.loggregator.cli.stream;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.java_websocket.drafts.Draft;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.exceptions.InvalidHandshakeException;
import org.java_websocket.handshake.Handshakedata;

/** RFC 6455 with a frame size limit that also records the server's handshake answer (see {@link HandshakeResponse}). */
final class HandshakeStatusDraft extends Draft_6455 {
    /** Far above any envelope (Dopplers cap them at 64 KiB) but bounded, so a broken server cannot exhaust memory. */
    static final int MAX_FRAME_BYTES = 16 * 1024 * 1024;

    private final AtomicReference<HandshakeResponse> response;

    HandshakeStatusDraft(AtomicReference<HandshakeResponse> response) {
        super(List.of(), MAX_FRAME_BYTES);
        this.response = response;
    }

    @Override
    public Handshakedata translateHandshake(ByteBuffer buf) throws InvalidHandshakeException {
        HandshakeResponse peeked = HandshakeResponse.peek(buf);
        if (peeked != null) {
            response.set(peeked);
        }
        return super.translateHandshake(buf);
    }

    @Override
    public Draft copyInstance() {
        return new HandshakeStatusDraft(response);
    }
}
