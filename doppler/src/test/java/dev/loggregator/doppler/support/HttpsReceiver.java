package dev.loggregator.doppler.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTPS drain receiver for tests (the JDK's HTTPS server with the test CA's certificate):
 * keeps each POST's body and headers and answers 200, or a chosen status, or nothing at all
 * (stalled until resumed), or drops the connection without an answer.
 */
public final class HttpsReceiver implements AutoCloseable {
    /** One request as received. */
    public record Request(String method, String path, String contentType, String authorization, String body) {
    }

    public enum Mode { OK, STALL, DROP }

    private final HttpsServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final ConcurrentLinkedQueue<Request> requests = new ConcurrentLinkedQueue<>();
    private final AtomicInteger attempts = new AtomicInteger();
    private volatile int status = 200;
    private volatile Mode mode = Mode.OK;
    private volatile CountDownLatch stall = new CountDownLatch(0);

    public HttpsReceiver(TestCertificates certs) {
        try {
            server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
            server.setHttpsConfigurator(new HttpsConfigurator(SyslogReceiver.serverContext(certs, false)));
            server.setExecutor(executor);
            server.createContext("/", this::handle);
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code scheme://127.0.0.1:port/path} */
    public String url(String scheme, String path) {
        return scheme + "://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** Answers every request with {@code status} from now on (200 by default). */
    public void answer(int status) {
        this.status = status;
        this.mode = Mode.OK;
    }

    public void mode(Mode mode) {
        if (mode == Mode.STALL) {
            stall = new CountDownLatch(1);
        } else {
            stall.countDown();
        }
        this.mode = mode;
    }

    /** Requests answered with a 2xx status. */
    public List<Request> requests() {
        return new ArrayList<>(requests);
    }

    /** Every request that arrived, answered or not. */
    public int attempts() {
        return attempts.get();
    }

    /** The messages of every 2xx-answered request: bodies split after each newline. */
    public List<String> messages() {
        List<String> messages = new ArrayList<>();
        for (Request request : requests) {
            String body = request.body();
            int start = 0;
            int end;
            while ((end = body.indexOf('\n', start)) >= 0) {
                messages.add(body.substring(start, end + 1));
                start = end + 1;
            }
        }
        return messages;
    }

    private void handle(HttpExchange exchange) throws IOException {
        attempts.incrementAndGet();
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        switch (mode) {
            case STALL -> {
                try {
                    stall.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                exchange.close();
                return;
            }
            case DROP -> {
                exchange.close(); // no answer: the connection closes under the request
                return;
            }
            case OK -> {
            }
        }
        int answer = status;
        if (answer >= 200 && answer <= 299) {
            requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                    exchange.getRequestHeaders().getFirst("Content-Type"),
                    exchange.getRequestHeaders().getFirst("Authorization"), body));
        }
        exchange.sendResponseHeaders(answer, -1);
        exchange.close();
    }

    @Override
    public void close() {
        stall.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
