package dev.loggregator.e2e.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A v1 WebSocket consumer (firehose or app stream): every binary message is one marshalled
 * {@code events.Envelope}, handed to a callback. Built on the JDK's WebSocket client rather than
 * Java-WebSocket because its explicit demand ({@code request(n)}) is what lets a test play a slow
 * consumer (stop reading, let TCP back up) and what lets the benchmark hold thousands of
 * connections without a thread each.
 */
public final class EnvelopeStream implements AutoCloseable {
    private static final int WINDOW = 256;

    private final CompletableFuture<Closing> closed = new CompletableFuture<>();
    private final Consumer<byte[]> onEnvelope;
    private volatile WebSocket socket;
    private volatile boolean paused;
    private long unrequested;
    private ByteBuffer partial;

    /** How the server ended the stream (code 1006 with the reason when the connection just broke). */
    public record Closing(int code, String reason) {
    }

    private EnvelopeStream(Consumer<byte[]> onEnvelope) {
        this.onEnvelope = onEnvelope;
    }

    /**
     * Opens the stream; {@code authorization} is sent verbatim (e.g. {@code bearer <jwt>}), null for none.
     *
     * @throws HandshakeRejectedException when the server answers the upgrade with an HTTP status instead
     */
    public static EnvelopeStream open(HttpClient http, URI uri, String authorization, Consumer<byte[]> onEnvelope) {
        EnvelopeStream stream = new EnvelopeStream(onEnvelope);
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        try {
            stream.socket = builder.buildAsync(uri, stream.new Listener()).get(30, TimeUnit.SECONDS);
            return stream;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException rejected) {
                throw new HandshakeRejectedException(uri, rejected.getResponse().statusCode(),
                        rejected.getResponse().body() instanceof byte[] body ? new String(body) : String.valueOf(rejected.getResponse().body()));
            }
            throw new StreamFailedException("cannot open " + uri + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new StreamFailedException("no WebSocket handshake from " + uri + " within 30 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StreamFailedException("interrupted", e);
        }
    }

    private final class Listener implements WebSocket.Listener {
        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(WINDOW);
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] envelope;
            if (partial == null && last) {
                envelope = new byte[data.remaining()];
                data.get(envelope);
            } else {
                ByteBuffer grown = ByteBuffer.allocate((partial == null ? 0 : partial.position()) + data.remaining());
                if (partial != null) {
                    grown.put(partial.flip());
                }
                grown.put(data);
                partial = grown;
                if (!last) {
                    granted(webSocket);
                    return null;
                }
                envelope = new byte[partial.position()];
                partial.flip().get(envelope);
                partial = null;
            }
            onEnvelope.accept(envelope);
            granted(webSocket);
            return null;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            granted(webSocket);
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
            granted(webSocket);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
            granted(webSocket);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(new Closing(statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(new Closing(1006, String.valueOf(error)));
        }
    }

    /** One message consumed: top the demand up in halves of the window unless paused. */
    private synchronized void granted(WebSocket webSocket) {
        unrequested++;
        if (!paused && unrequested >= WINDOW / 2) {
            webSocket.request(unrequested);
            unrequested = 0;
        }
    }

    /** Stop reading: the server's writes back up in TCP, as with a consumer that cannot keep up. */
    public synchronized void pause() {
        paused = true;
    }

    public synchronized void resume() {
        paused = false;
        if (unrequested > 0 && socket != null) {
            socket.request(unrequested);
            unrequested = 0;
        }
    }

    public CompletableFuture<Closing> closed() {
        return closed;
    }

    public boolean isOpen() {
        return !closed.isDone();
    }

    /** Sends a normal close and drops the connection without waiting for the server's answer. */
    @Override
    public void close() {
        WebSocket s = socket;
        if (s != null && !closed.isDone()) {
            s.sendClose(WebSocket.NORMAL_CLOSURE, "").orTimeout(2, TimeUnit.SECONDS).whenComplete((r, e) -> s.abort());
        }
    }

    public void abort() {
        WebSocket s = socket;
        if (s != null) {
            s.abort();
        }
    }
}
