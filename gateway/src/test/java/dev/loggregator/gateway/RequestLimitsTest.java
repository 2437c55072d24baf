package dev.loggregator.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.gateway.support.HttpBackend;
import dev.loggregator.gateway.support.Metrics;
import dev.loggregator.gateway.support.RawHttp;
import dev.loggregator.gateway.support.RunningGateway;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Request smuggling defences and size/connection limits, on raw sockets. */
class RequestLimitsTest {
    static HttpBackend backend;
    static RunningGateway gateway;

    @BeforeAll
    static void start() {
        backend = new HttpBackend("backend");
        gateway = RunningGateway.start(""
                + "  limits:\n"
                + "    max_header_bytes: 4096\n"
                + "    max_request_line_bytes: 1024\n"
                + "    max_connections: 6\n"
                + "  routes:\n"
                + "    - hosts: ['*']\n"
                + "      backends: [" + backend.address() + "]\n");
    }

    @AfterAll
    static void stop() {
        gateway.close();
        backend.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        // Content-Length and Transfer-Encoding together (CL.TE / TE.CL)
        "POST /smuggle HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG",
        "POST /smuggle HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n1\r\nZ\r\n0\r\n\r\n",
        // Transfer-Encoding variants a backend may read differently
        "POST /smuggle HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n",
        "POST /smuggle HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n0\r\n\r\n",
        "POST /smuggle HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
        // differing Content-Lengths
        "POST /smuggle HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 5\r\n\r\nabcde",
        // obs-fold
        "GET /smuggle HTTP/1.1\r\nHost: a\r\nX-Folded: first\r\n second\r\n\r\n",
        "GET /smuggle HTTP/1.1\r\nHost: a\r\nX-Folded: first\r\n\tsecond\r\n\r\n",
        // bad chunk size
        "POST /smuggle HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
        // two Host headers
        "GET /smuggle HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
        // bare LF line ends
        "GET /smuggle HTTP/1.1\nHost: a\n\n",
    })
    void refusesAmbiguousFramingWith400AndCloses(String request) {
        try (RawHttp http = new RawHttp(gateway.port())) {
            RawHttp.Response response = http.send(request).read();
            assertEquals(400, response.status(), request);
            assertTrue(response.header("X-Gateway-Error").startsWith("bad_request"), response.header("X-Gateway-Error"));
            assertTrue(http.closedByServer(), "the connection cannot be trusted after a refused request");
        }
        assertTrue(backend.received.stream().noneMatch(r -> r.path().equals("/smuggle")), "nothing reached the backend");
    }

    @Test
    void aHeaderBlockOverTheLimitGets431() {
        try (RawHttp http = new RawHttp(gateway.port())) {
            RawHttp.Response response = http.send("GET /big HTTP/1.1\r\nHost: a\r\nX-Big: " + "x".repeat(5000) + "\r\n\r\n").read();
            assertEquals(431, response.status());
            assertEquals("header_too_large", response.header("X-Gateway-Error"));
        }
    }

    @Test
    void aRequestLineOverTheLimitGets414() {
        try (RawHttp http = new RawHttp(gateway.port())) {
            RawHttp.Response response = http.send("GET /" + "x".repeat(2000) + " HTTP/1.1\r\nHost: a\r\n\r\n").read();
            assertEquals(414, response.status());
        }
    }

    @Test
    void connectionsBeyondTheLimitGet503() {
        // Earlier tests' connections count until the gateway has seen them close.
        await().atMost(Duration.ofSeconds(20))
                .until(() -> Metrics.value(gateway.adminPort(), "gateway_client_connections_open") == 0);
        RawHttp[] open = new RawHttp[6];
        try {
            for (int i = 0; i < open.length; i++) {
                open[i] = new RawHttp(gateway.port());
                assertEquals(200, open[i].send("GET /held HTTP/1.1\r\nHost: a\r\n\r\n").read().status());
            }
            try (RawHttp extra = new RawHttp(gateway.port())) {
                RawHttp.Response response = extra.read();
                assertEquals(503, response.status());
                assertEquals("connection_limit", response.header("X-Gateway-Error"));
            }
        } finally {
            for (RawHttp http : open) {
                if (http != null) {
                    http.close();
                }
            }
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() ->
                RawHttp.get(gateway.port(), "a", "/after").status() == 200);
    }

    @Test
    void aValidChunkedRequestStillWorksOnAStrictParser() {
        try (RawHttp http = new RawHttp(gateway.port())) {
            RawHttp.Response response = http.send("POST /ok HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n"
                    + "3\r\nabc\r\n0\r\n\r\n").read();
            assertEquals(200, response.status());
            assertTrue(response.body().endsWith("body=abc"));
        }
    }
}
