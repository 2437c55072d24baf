package dev.loggregator.cli.stream;

import dev.loggregator.cli.tls.TlsOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ServerHandshake;

/**
 * One WebSocket connection to a Traffic Controller stream: every binary frame is one marshalled
 * v1 envelope, handed to {@code frames} on the socket's reader thread. {@link #opened()} and
 * {@link #closed()} complete as the connection goes through its life; a refused upgrade completes
 * {@code closed} with the server's HTTP status.
 */
final class EnvelopeSocket extends WebSocketClient implements StreamConnection {
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;

    private final AtomicReference<HandshakeResponse> handshake;
    private final Frames frames;
    private final boolean skipHostnameCheck;
    private final CompletableFuture<Boolean> opened = new CompletableFuture<>();
    private final CompletableFuture<StreamEnd> closed = new CompletableFuture<>();
    private volatile Exception failure;
    private SSLContext sslContext;
    private volatile boolean started;

    private EnvelopeSocket(URI uri, Map<String, String> headers, AtomicReference<HandshakeResponse> handshake,
                           boolean skipHostnameCheck, Frames frames) {
        super(uri, new HandshakeStatusDraft(handshake), headers, CONNECT_TIMEOUT_MILLIS);
        this.handshake = handshake;
        this.frames = frames;
        this.skipHostnameCheck = skipHostnameCheck;
    }

    static EnvelopeSocket create(URI uri, Map<String, String> headers, TlsOptions tls, Frames frames) {
        EnvelopeSocket socket = new EnvelopeSocket(uri, headers, new AtomicReference<>(), tls.skipValidation(), frames);
        socket.sslContext = "wss".equals(uri.getScheme()) ? tls.sslContext() : null;
        socket.setDaemon(true);
        return socket;
    }

    /**
     * Connects (TCP, then TLS for wss) on the calling thread and then starts the WebSocket
     * handshake. Doing the TLS handshake here, not in Java-WebSocket's reader and writer threads
     * (which race to report it), makes a refused connection or an untrusted certificate surface
     * as exactly that exception.
     */
    @Override
    public void dial() throws IOException {
        boolean secure = "wss".equals(uri.getScheme());
        String host = uri.getHost();
        int port = uri.getPort() != -1 ? uri.getPort() : secure ? 443 : 80;
        Socket raw = new Socket();
        try {
            raw.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MILLIS);
            raw.setTcpNoDelay(true);
            Socket connected = raw;
            if (secure) {
                SSLSocketFactory factory = sslContext != null ? sslContext.getSocketFactory() : (SSLSocketFactory) SSLSocketFactory.getDefault();
                SSLSocket tls = (SSLSocket) factory.createSocket(raw, host, port, true);
                SSLParameters parameters = tls.getSSLParameters();
                if (!skipHostnameCheck) {
                    parameters.setEndpointIdentificationAlgorithm("HTTPS");
                }
                tls.setSSLParameters(parameters);
                tls.setSoTimeout(CONNECT_TIMEOUT_MILLIS);
                tls.startHandshake();
                tls.setSoTimeout(0);
                connected = tls;
            }
            setSocket(connected);
        } catch (IOException e) {
            raw.close();
            throw e;
        }
        started = true;
        connect();
    }

    @Override
    public CompletableFuture<Boolean> opened() {
        return opened;
    }

    @Override
    public CompletableFuture<StreamEnd> closed() {
        return closed;
    }

    @Override
    public void abort(String reason) {
        closeConnection(1006, reason);
        closed.join();
    }

    /** Lets the close handshake (our 1000, the server's echo) finish so the server sees a clean close. */
    @Override
    public void finish(Duration grace) {
        if (!started) {
            return;
        }
        if (!isClosing() && !isClosed()) {
            close(1000);
        }
        try {
            closed.get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            closeConnection(1000, "");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    protected void onSetSSLParameters(SSLParameters parameters) {
        // dial() has set up and completed the TLS handshake already.
    }

    @Override
    public void onOpen(ServerHandshake serverHandshake) {
        opened.complete(true);
    }

    @Override
    public void onMessage(ByteBuffer bytes) {
        byte[] envelope = new byte[bytes.remaining()];
        bytes.get(envelope);
        frames.frame(envelope);
    }

    @Override
    public void onMessage(String text) {
        // The v1 API sends binary frames only; a text frame carries no envelope.
    }

    @Override
    public void onError(Exception ex) {
        if (failure == null) {
            failure = ex;
        }
    }

    @Override
    public void onClose(int code, String reason, boolean remote) {
        HandshakeResponse answer = handshake.get();
        HandshakeResponse refusal = answer != null && answer.status() != 101 ? answer : null;
        // closed first: whoever sees opened=false reads closed next.
        closed.complete(new StreamEnd(describe(code, reason, remote, failure), false, failure, refusal));
        opened.complete(false);
    }

    static String describe(int code, String reason, boolean byServer, Exception failure) {
        String who = byServer ? "closed by the server" : "closed";
        String why = reason == null || reason.isBlank() ? "" : ": " + reason;
        if (code == 1006 && failure != null && why.isEmpty()) {
            why = ": " + failure.getMessage();
        }
        return who + ", code " + code + why;
    }
}
