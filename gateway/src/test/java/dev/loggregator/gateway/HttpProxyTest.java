package dev.loggregator.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.gateway.support.HttpBackend;
import dev.loggregator.gateway.support.RawHttp;
import dev.loggregator.gateway.support.RunningGateway;
import dev.loggregator.gateway.support.ScriptedBackend;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Plain HTTP through the gateway: routing, forwarded and hop-by-hop headers, bodies, keep-alive. */
class HttpProxyTest {
    static HttpBackend exact;
    static HttpBackend exactV2;
    static HttpBackend wildcard;
    static HttpBackend fallback;
    static ScriptedBackend keepAlive;
    static RunningGateway gateway;

    @BeforeAll
    static void start() {
        exact = new HttpBackend("exact");
        exactV2 = new HttpBackend("exact-v2");
        wildcard = new HttpBackend("wildcard");
        fallback = new HttpBackend("fallback");
        keepAlive = new ScriptedBackend(ScriptedBackend.Behaviour.KEEP_ALIVE);
        // No spare connections: the pooling test counts the backend connections requests use.
        gateway = RunningGateway.start(""
                + "  preconnect: 0\n"
                + "  routes:\n"
                + "    - hosts: [pooled.test]\n"
                + "      backends: [" + keepAlive.address() + "]\n"
                + "    - hosts: [api.example.test]\n"
                + "      backends: [" + exact.address() + "]\n"
                + "    - hosts: [api.example.test]\n"
                + "      path_prefix: /v2\n"
                + "      backends: [" + exactV2.address() + "]\n"
                + "    - hosts: ['*.apps.example.test']\n"
                + "      backends: [" + wildcard.address() + "]\n"
                + "    - hosts: ['*']\n"
                + "      path_prefix: /public\n"
                + "      backends: [" + fallback.address() + "]\n");
    }

    @AfterAll
    static void stop() {
        gateway.close();
        exact.close();
        exactV2.close();
        wildcard.close();
        fallback.close();
        keepAlive.close();
    }

    @BeforeEach
    void clear() {
        exact.received.clear();
        exactV2.received.clear();
        wildcard.received.clear();
        fallback.received.clear();
    }

    @Test
    void routesByExactHostAndLongestPathPrefixOnSegmentBoundaries() {
        assertEquals("exact", RawHttp.get(gateway.port(), "api.example.test", "/apps").header("X-Backend"));
        assertEquals("exact-v2", RawHttp.get(gateway.port(), "api.example.test", "/v2/apps?x=1").header("X-Backend"));
        assertEquals("exact-v2", RawHttp.get(gateway.port(), "API.Example.Test:" + gateway.port(), "/v2").header("X-Backend"));
        assertEquals("exact", RawHttp.get(gateway.port(), "api.example.test", "/v2x").header("X-Backend"));
    }

    @Test
    void anAbsoluteFormTargetIsRoutedByItsOwnHostAndForwardedInOriginForm() {
        try (RawHttp http = new RawHttp(gateway.port())) {
            RawHttp.Response response = http.send("GET HTTP://api.example.test/v2/abs?q=1 HTTP/1.1\r\n"
                    + "Host: one.apps.example.test\r\n\r\n").read();
            assertEquals("exact-v2", response.header("X-Backend"), "the URI's host and path, not the Host header");
        }
        HttpBackend.Received seen = exactV2.received.stream().filter(r -> r.path().equals("/v2/abs?q=1")).findFirst().orElseThrow();
        assertEquals("api.example.test", seen.header("Host"));
        assertEquals(0, wildcard.received.size());
    }

    @Test
    void routesWildcardHostsAtAnyDepthAndFallsBackToTheDefaultRoute() {
        assertEquals("wildcard", RawHttp.get(gateway.port(), "app1.apps.example.test", "/").header("X-Backend"));
        assertEquals("wildcard", RawHttp.get(gateway.port(), "a.b.apps.example.test.", "/").header("X-Backend"));
        RawHttp.Response other = RawHttp.get(gateway.port(), "elsewhere.test", "/public/index.html");
        assertEquals(200, other.status());
        assertTrue(other.body().startsWith("backend=fallback path=/public/index.html"), other.body());
    }

    @Test
    void unknownRouteAndMissingHostAreGatewayErrors() {
        RawHttp.Response unknown = RawHttp.get(gateway.port(), "elsewhere.test", "/private");
        assertEquals(404, unknown.status());
        assertEquals("unknown_route", unknown.header("X-Gateway-Error"));
        try (RawHttp http = new RawHttp(gateway.port())) {
            RawHttp.Response noHost = http.send("GET / HTTP/1.0\r\n\r\n").read();
            assertEquals(400, noHost.status());
            assertEquals("empty_host", noHost.header("X-Gateway-Error"));
        }
    }

    @Test
    void addsForwardedHeadersAppendingToAnExistingForwardedFor() {
        try (RawHttp http = new RawHttp(gateway.port())) {
            http.send("GET /fwd HTTP/1.1\r\nHost: api.example.test\r\nX-Forwarded-For: 203.0.113.9\r\n"
                    + "X-Forwarded-Proto: https\r\nConnection: close\r\n\r\n").read();
        }
        HttpBackend.Received seen = exact.received.poll();
        assertNotNull(seen);
        assertEquals("203.0.113.9, 127.0.0.1", seen.header("X-Forwarded-For"));
        assertEquals("http", seen.header("X-Forwarded-Proto"));
        assertEquals(Integer.toString(gateway.port()), seen.header("X-Forwarded-Port"));
        long start = Long.parseLong(seen.header("X-Request-Start"));
        assertTrue(Math.abs(System.currentTimeMillis() - start) < 60_000, "X-Request-Start is ms since the epoch: " + start);
        UUID.fromString(seen.header("X-Request-Id"));
    }

    @Test
    void keepsAClientRequestIdAndTheClientsRequestStart() {
        try (RawHttp http = new RawHttp(gateway.port())) {
            http.send("GET /id HTTP/1.1\r\nHost: api.example.test\r\nX-Request-Id: abc-123\r\nX-Request-Start: 42\r\n"
                    + "Connection: close\r\n\r\n").read();
        }
        HttpBackend.Received seen = exact.received.poll();
        assertEquals("abc-123", seen.header("X-Request-Id"));
        assertEquals("42", seen.header("X-Request-Start"));
    }

    @Test
    void stripsHopByHopHeadersBothWays() {
        RawHttp.Response response;
        try (RawHttp http = new RawHttp(gateway.port())) {
            response = http.send("GET /hop HTTP/1.1\r\nHost: api.example.test\r\nConnection: keep-alive, X-Secret\r\n"
                    + "X-Secret: s3cret\r\nKeep-Alive: 300\r\nProxy-Authorization: Basic Zm9vOmJhcg==\r\nTE: trailers\r\n"
                    + "X-Kept: yes\r\n\r\n").read();
        }
        HttpBackend.Received seen = exact.received.poll();
        assertNull(seen.header("X-Secret"));
        assertNull(seen.header("Keep-Alive"));
        assertNull(seen.header("Proxy-Authorization"));
        assertNull(seen.header("TE"));
        assertEquals("yes", seen.header("X-Kept"));
        assertEquals(200, response.status());
        assertNull(response.header("Keep-Alive"), "the backend's Keep-Alive header is hop-by-hop");
    }

    @Test
    void forwardsRequestBodiesWithLengthAndChunked() {
        try (RawHttp http = new RawHttp(gateway.port())) {
            RawHttp.Response one = http.send("POST /post HTTP/1.1\r\nHost: api.example.test\r\nContent-Length: 11\r\n\r\nhello world").read();
            assertTrue(one.body().endsWith("body=hello world"), one.body());
            RawHttp.Response two = http.send("POST /chunked HTTP/1.1\r\nHost: api.example.test\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n").read();
            assertTrue(two.body().endsWith("body=hello world"), two.body());
        }
    }

    @Test
    void keepsClientConnectionsAliveAndAnswersPipelinedRequestsInOrder() {
        try (RawHttp http = new RawHttp(gateway.port())) {
            assertEquals("exact", http.send("GET /1 HTTP/1.1\r\nHost: api.example.test\r\n\r\n").read().header("X-Backend"));
            assertEquals("exact", http.send("GET /2 HTTP/1.1\r\nHost: api.example.test\r\n\r\n").read().header("X-Backend"));
            http.send("GET /p1 HTTP/1.1\r\nHost: api.example.test\r\n\r\nGET /v2/p2 HTTP/1.1\r\nHost: api.example.test\r\n\r\n"
                    + "GET /p3 HTTP/1.1\r\nHost: one.apps.example.test\r\nConnection: close\r\n\r\n");
            assertTrue(http.read().body().contains("path=/p1"));
            assertTrue(http.read().body().contains("path=/v2/p2"));
            RawHttp.Response last = http.read();
            assertTrue(last.body().contains("backend=wildcard path=/p3"), last.body());
            assertTrue(http.closedByServer());
        }
    }

    @Test
    void pipelinedRequestsSentBeforeTheClientsFinAreAllAnswered() throws Exception {
        // As `printf 'GET ...GET ...' | nc -N` sends them: every request, then the end of the client's output.
        try (RawHttp http = new RawHttp(gateway.port())) {
            http.send("GET /h1 HTTP/1.1\r\nHost: api.example.test\r\n\r\nGET /h2 HTTP/1.1\r\nHost: api.example.test\r\n\r\n"
                    + "GET /h3 HTTP/1.1\r\nHost: api.example.test\r\n\r\n");
            http.socket().shutdownOutput();
            assertTrue(http.read().body().contains("path=/h1"));
            assertTrue(http.read().body().contains("path=/h2"));
            assertTrue(http.read().body().contains("path=/h3"));
            assertTrue(http.closedByServer());
        }
    }

    @Test
    void reusesBackendConnectionsForIdempotentRequestsButDialsForPostPutAndDelete() {
        try (RawHttp http = new RawHttp(gateway.port())) {
            for (int i = 0; i < 5; i++) {
                RawHttp.Response response = http.send("GET /pooled/" + i + " HTTP/1.1\r\nHost: pooled.test\r\n\r\n").read();
                assertEquals("ok", response.body());
            }
            assertEquals(5, keepAlive.requests.size());
            assertEquals(1, keepAlive.accepted.get(), "five GETs on one client connection share one backend connection");
            assertEquals("ok", http.send("POST /once HTTP/1.1\r\nHost: pooled.test\r\nContent-Length: 1\r\n\r\nx").read().body());
            assertEquals(2, keepAlive.accepted.get(), "a POST never goes on a pooled connection (it could not be retried)");
            assertEquals("ok", http.send("PUT /once HTTP/1.1\r\nHost: pooled.test\r\nContent-Length: 1\r\n\r\nx").read().body());
            assertEquals(3, keepAlive.accepted.get(), "nor does a PUT");
            assertEquals("ok", http.send("DELETE /once HTTP/1.1\r\nHost: pooled.test\r\n\r\n").read().body());
            assertEquals(4, keepAlive.accepted.get(), "nor a DELETE");
        }
    }

    @Test
    void relaysBackendStatusesAsTheyAre() {
        RawHttp.Response response = RawHttp.get(gateway.port(), "api.example.test", "/status/418");
        assertEquals(418, response.status());
        assertNull(response.header("X-Gateway-Error"));
    }

    @Test
    void aRefusedHeadRequestGetsTheHeadAloneThenTheConnectionCloses() {
        try (RawHttp http = new RawHttp(gateway.port())) {
            RawHttp.Response refused = http.send("HEAD / HTTP/1.0\r\n\r\n").readHead();
            assertEquals(400, refused.status());
            assertEquals("empty_host", refused.header("X-Gateway-Error"));
            assertTrue(http.closedByServer(), "no body bytes may follow the head of an answer to HEAD");
        }
    }
}
