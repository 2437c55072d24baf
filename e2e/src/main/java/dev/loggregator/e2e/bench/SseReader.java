package dev.loggregator.e2e.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@code GET /v2/read} consumer as fast as one thread on a blocking socket can be: HTTP/1.1 written
 * by hand, the chunked body undone as it arrives and handed to {@link SseEnvelopeScanner}. The JDK's
 * HTTP client would spend more CPU than the Traffic Controller on every byte, and the benchmark's
 * consumers share the machine with the system they measure.
 */
final class SseReader implements BenchReader {
    private static final int READ_BUFFER = 256 * 1024;

    private final DeliveryCounter counter;
    private final SseEnvelopeScanner scanner;
    private final Socket socket = new Socket();
    private final CompletableFuture<Void> headersRead = new CompletableFuture<>();
    private final Thread thread;
    private volatile String closedReason;

    private SseReader(String appPrefix, byte[] payload) {
        this.counter = new DeliveryCounter(appPrefix);
        this.scanner = new SseEnvelopeScanner(counter, appPrefix, payload);
        this.thread = new Thread(this::read, "sse-reader");
        this.thread.setDaemon(true);
    }

    /**
     * Opens {@code pathAndQuery} on {@code server} (an {@code http://} URI) and returns once the server
     * answered 200 with an event stream; throws with the server's answer otherwise.
     */
    static SseReader open(URI server, String pathAndQuery, String authorization, String appPrefix, byte[] payload) {
        SseReader reader = new SseReader(appPrefix, payload);
        try {
            reader.socket.setTcpNoDelay(true);
            reader.socket.setReceiveBufferSize(1 << 20);
            reader.socket.connect(new InetSocketAddress(server.getHost(), server.getPort()), 10_000);
            String request = "GET " + pathAndQuery + " HTTP/1.1\r\nHost: " + server.getHost() + ":" + server.getPort()
                    + "\r\nAccept: text/event-stream\r\nAuthorization: " + authorization + "\r\n\r\n";
            OutputStream out = reader.socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (IOException e) {
            throw new IllegalStateException("cannot open " + server + pathAndQuery + ": " + e, e);
        }
        reader.thread.start();
        try {
            reader.headersRead.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            reader.close();
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException | InterruptedException e) {
            reader.close();
            throw new IllegalStateException("no answer to " + pathAndQuery + " within 30 s", e);
        }
        return reader;
    }

    private void read() {
        byte[] buffer = new byte[READ_BUFFER];
        try {
            InputStream in = socket.getInputStream();
            ResponseHead head = ResponseHead.read(in);
            if (head.status() != 200 || !head.header("content-type").startsWith("text/event-stream")) {
                headersRead.completeExceptionally(new IllegalStateException("the server answered " + head.statusLine()
                        + " (" + head.header("content-type") + ") " + new String(in.readNBytes(300), StandardCharsets.UTF_8)));
                return;
            }
            headersRead.complete(null);
            boolean chunked = head.header("transfer-encoding").toLowerCase(Locale.ROOT).contains("chunked");
            long[] arrived = new long[1];
            ChunkedBody body = new ChunkedBody((bytes, offset, length) -> scanner.feed(bytes, offset, length, arrived[0]));
            int n;
            while ((n = in.read(buffer)) > 0) {
                arrived[0] = BenchClock.now();
                if (chunked) {
                    body.feed(buffer, 0, n);
                    if (body.done()) {
                        break;
                    }
                } else {
                    scanner.feed(buffer, 0, n, arrived[0]);
                }
            }
            closedReason = scanner.closing() != null ? "server closed the stream: " + scanner.closing().replace('\n', ' ')
                    : "server ended the response";
        } catch (IOException | RuntimeException e) {
            headersRead.completeExceptionally(e);
            closedReason = socket.isClosed() ? "closed by the benchmark" : "failed: " + e;
        }
    }

    @Override
    public DeliveryCounter counter() {
        return counter;
    }

    @Override
    public boolean isOpen() {
        return closedReason == null;
    }

    @Override
    public String closedReason() {
        return closedReason;
    }

    @Override
    public String verification() {
        return scanner.verification() + "; " + scanner.heartbeats() + " heartbeats";
    }

    /** Envelopes that failed a check (counted in {@link #verification()}). */
    long invalid() {
        return scanner.invalid();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
