package dev.loggregator.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.loggregator.gateway.support.HttpBackend;
import dev.loggregator.gateway.support.Metrics;
import dev.loggregator.gateway.support.RawHttp;
import dev.loggregator.gateway.support.RunningGateway;
import dev.loggregator.gateway.support.ScriptedBackend;
import dev.loggregator.gateway.support.ScriptedBackend.Behaviour;
import dev.loggregator.gateway.support.WsBackend;
import dev.loggregator.gateway.support.WsClient;
import dev.loggregator.testsupport.DeadPort;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Passive dead-backend detection, the retry rules, gateway errors and the response timeout. */
class FailureHandlingTest {
    private static final long TTL_MS = 4000;
    static final List<AutoCloseable> backends = new ArrayList<>();
    static RunningGateway gateway;

    static HttpBackend live;
    static DeadPort deadPort;
    static DeadPort deadA;
    static DeadPort deadB;
    static DeadPort deadForHead;
    static ScriptedBackend postKiller;
    static HttpBackend postLive;
    static ScriptedBackend getKiller;
    static HttpBackend getLive;
    static ScriptedBackend deleteKiller;
    static HttpBackend deleteLive;
    static ScriptedBackend keyedKiller;
    static ScriptedBackend dropper;
    static HttpBackend dropperPeer;
    static HttpBackend keyedLive;
    static final List<ScriptedBackend> killers = new ArrayList<>();
    static WsBackend ws;
    static ScriptedBackend silent;
    static ScriptedBackend badChunk;
    static ScriptedBackend continueThenSilent;
    static ScriptedBackend continueThenOk;
    static ScriptedBackend unaskedSwitch;

    @BeforeAll
    static void start() {
        live = keep(new HttpBackend("live"));
        postKiller = keep(new ScriptedBackend(Behaviour.RESET_AFTER_REQUEST));
        postLive = keep(new HttpBackend("post-live"));
        getKiller = keep(new ScriptedBackend(Behaviour.RESET_AFTER_REQUEST));
        getLive = keep(new HttpBackend("get-live"));
        deleteKiller = keep(new ScriptedBackend(Behaviour.RESET_AFTER_REQUEST));
        deleteLive = keep(new HttpBackend("delete-live"));
        keyedKiller = keep(new ScriptedBackend(Behaviour.RESET_AFTER_REQUEST));
        keyedLive = keep(new HttpBackend("keyed-live"));
        dropper = keep(new ScriptedBackend(Behaviour.RESET_AFTER_REQUEST));
        dropperPeer = keep(new HttpBackend("dropper-peer"));
        for (int i = 0; i < 5; i++) {
            killers.add(keep(new ScriptedBackend(Behaviour.RESET_AFTER_REQUEST)));
        }
        ws = keep(new WsBackend("ws"));
        silent = keep(new ScriptedBackend(Behaviour.SILENT));
        badChunk = keep(new ScriptedBackend(Behaviour.BAD_CHUNK));
        continueThenSilent = keep(new ScriptedBackend(Behaviour.CONTINUE_THEN_SILENT));
        continueThenOk = keep(new ScriptedBackend(Behaviour.CONTINUE_THEN_OK));
        unaskedSwitch = keep(new ScriptedBackend(Behaviour.UNASKED_SWITCH));
        deadPort = keep(new DeadPort());
        deadA = keep(new DeadPort());
        deadB = keep(new DeadPort());
        deadForHead = keep(new DeadPort());
        gateway = RunningGateway.start(""
                + "  dead_backend_ttl_ms: " + TTL_MS + "\n"
                + "  timeouts:\n"
                + "    response_header_ms: 1000\n"

                + "  limits:\n"
                + "    max_attempts: 3\n"
                + "  routes:\n"
                + "    - hosts: [ttl.test]\n"
                + "      backends: [" + deadPort.address() + ", " + live.address() + "]\n"

                + "    - hosts: [alldead.test]\n"
                + "      backends: [" + deadA.address() + ", " + deadB.address() + "]\n"
                + "    - hosts: [head.test]\n"
                + "      backends: [" + deadForHead.address() + "]\n"
                + "    - hosts: [post.test]\n"
                + "      backends: [" + postKiller.address() + ", " + postLive.address() + "]\n"
                + "    - hosts: [get.test]\n"
                + "      backends: [" + getKiller.address() + ", " + getLive.address() + "]\n"
                + "    - hosts: [delete.test]\n"
                + "      backends: [" + deleteKiller.address() + ", " + deleteLive.address() + "]\n"
                + "    - hosts: [keyed.test]\n"
                + "      backends: [" + keyedKiller.address() + ", " + keyedLive.address() + "]\n"
                + "    - hosts: [dropped.test]\n"
                + "      backends: [" + dropper.address() + ", " + dropperPeer.address() + "]\n"
                + "    - hosts: [five.test]\n"
                + "      backends: [" + String.join(", ", killers.stream().map(ScriptedBackend::address).toList()) + "]\n"
                + "    - hosts: ['*']\n"
                + "      backends: [" + keep(new DeadPort()).address() + ", " + ws.address() + "]\n"
                + "    - hosts: [badchunk.test]\n"
                + "      backends: [" + badChunk.address() + "]\n"
                + "    - hosts: [continue-ok.test]\n"
                + "      backends: [" + continueThenOk.address() + "]\n"
                + "    - hosts: [unasked.test]\n"
                + "      backends: [" + unaskedSwitch.address() + "]\n"
                + "    - hosts: [continue.test]\n"
                + "      backends: [" + continueThenSilent.address() + "]\n"
                + "    - hosts: [silent.test]\n"
                + "      backends: [" + silent.address() + "]\n");
    }

    private static <T extends AutoCloseable> T keep(T backend) {
        backends.add(backend);
        return backend;
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        for (AutoCloseable backend : backends) {
            backend.close();
        }
    }

    private final List<AutoCloseable> local = new ArrayList<>();

    @AfterEach
    void closeLocal() throws Exception {
        for (AutoCloseable c : local) {
            c.close();
        }
    }

    private double dead(int port) {
        return Metrics.value(gateway.adminPort(), "gateway_backend_dead{backend=\"127.0.0.1:" + port + "\"}");
    }

    @Test
    void marksARefusingBackendDeadSkipsItAndTriesItAgainAfterTheTtl() {
        // The route's first pick is the dead backend: the connect fails, the request goes on to live.
        RawHttp.Response first = RawHttp.get(gateway.port(), "ttl.test", "/first");
        long markedAt = System.nanoTime();
        assertEquals(200, first.status());
        assertEquals("live", first.header("X-Backend"));
        assertEquals(1.0, dead(deadPort.port()));

        deadPort.close();
        HttpBackend revived = new HttpBackend("revived", deadPort.port());
        local.add(revived);
        for (int i = 0; i < 4; i++) {
            assertEquals("live", RawHttp.get(gateway.port(), "ttl.test", "/while-dead").header("X-Backend"));
        }
        assumeTrue(System.nanoTime() - markedAt < Duration.ofMillis(TTL_MS).toNanos(), "machine too slow to observe the TTL window");
        assertEquals(0, revived.received.size(), "a dead backend is skipped until its TTL ends");

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            RawHttp.get(gateway.port(), "ttl.test", "/after-ttl");
            return !revived.received.isEmpty();
        });
        assertEquals(0.0, dead(deadPort.port()));
    }

    @Test
    void aBackendThatDropsTheConnectionAfterReadingARequestIsNotMarkedDead() {
        // A backend that resets or closes after reading a request may do so because of what the
        // request holds (issue 15: one malformed path marked every Traffic Controller dead): one
        // client's request must not take a backend out of service for everyone.
        for (int i = 0; i < 3; i++) {
            RawHttp.Response response = RawHttp.get(gateway.port(), "dropped.test", "/poison");
            assertTrue(response.status() == 200 || response.status() == 502, "status " + response.status());
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> dropper.requests.size() >= 2);
        assertEquals(0.0, dead(dropper.port()), "dropped a connection after a request: not marked dead");
        assertEquals(0.0, dead(dropperPeer.port()));
        assertTrue(Metrics.value(gateway.adminPort(), "gateway_backend_failures_total{backend=\"127.0.0.1:" + dropper.port()
                + "\",reason=\"backend_reset\"}") >= 2, "still counted as a backend failure");
    }

    @Test
    void whenEveryBackendIsDeadTheyAreTriedAnyway() {
        RawHttp.Response first = RawHttp.get(gateway.port(), "alldead.test", "/");
        assertEquals(502, first.status());
        assertEquals("backend_connect_failed", first.header("X-Gateway-Error"));
        assertEquals(1.0, dead(deadA.port()));
        assertEquals(1.0, dead(deadB.port()));
        deadB.close();
        HttpBackend back = new HttpBackend("back", deadB.port());
        local.add(back);
        RawHttp.Response second = RawHttp.get(gateway.port(), "alldead.test", "/again");
        assertEquals(200, second.status(), "all backends marked dead: try them rather than refuse");
        assertEquals("back", second.header("X-Backend"));
    }

    @Test
    void aPostWhoseBackendDiesIsNotReplayed() {
        try (RawHttp http = new RawHttp(gateway.port())) {
            RawHttp.Response response = http.send("POST /charge HTTP/1.1\r\nHost: post.test\r\nContent-Length: 9\r\n\r\namount=10").read();
            assertEquals(502, response.status());
            assertTrue(response.header("X-Gateway-Error").startsWith("backend_"), response.header("X-Gateway-Error"));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> postKiller.requests.size() == 1);
        assertTrue(postKiller.requests.peek().endsWith("amount=10"));
        assertEquals(0, postLive.received.size(), "the POST reached one backend and must not be sent to another");
    }

    @Test
    void anIdempotentRequestBrokenBeforeAnyResponseByteGoesToAnotherBackend() {
        RawHttp.Response response = RawHttp.get(gateway.port(), "get.test", "/safe");
        assertEquals(200, response.status());
        assertEquals("get-live", response.header("X-Backend"));
        assertEquals(1, getKiller.requests.size());
    }

    @Test
    void aBodilessDeleteBrokenBeforeAnyResponseByteIsNotResent() {
        try (RawHttp http = new RawHttp(gateway.port())) {
            RawHttp.Response response = http.send("DELETE /items/newest HTTP/1.1\r\nHost: delete.test\r\n\r\n").read();
            assertEquals(502, response.status());
            assertEquals("backend_reset", response.header("X-Gateway-Error"));
        }
        assertEquals(1, deleteKiller.requests.size());
        assertEquals(0, deleteLive.received.size(), "only GET, HEAD, OPTIONS, TRACE or a keyed request is resent");
    }

    @Test
    void aBodilessRequestWithAnXIdempotencyKeyIsResent() {
        try (RawHttp http = new RawHttp(gateway.port())) {
            RawHttp.Response response = http.send("POST /jobs HTTP/1.1\r\nHost: keyed.test\r\nX-Idempotency-Key: job-7\r\n"
                    + "Content-Length: 0\r\n\r\n").read();
            assertEquals(200, response.status());
            assertEquals("keyed-live", response.header("X-Backend"));
        }
        assertEquals(1, keyedKiller.requests.size());
    }

    @Test
    void triesAtMostMaxAttemptsBackends() {
        RawHttp.Response response = RawHttp.get(gateway.port(), "five.test", "/");
        assertEquals(502, response.status());
        int total = killers.stream().mapToInt(k -> k.requests.size()).sum();
        assertEquals(3, total, "min(max_attempts=3, 5 backends) attempts");
    }

    @Test
    void aWebSocketHandshakeToADeadBackendIsRetriedOnALiveOne() throws Exception {
        for (int i = 0; i < 2; i++) {
            WsClient client = WsClient.connect(URI.create("ws://127.0.0.1:" + gateway.port() + "/ws"), Map.of());
            client.send("x");
            assertEquals("ws:x", client.next());
            client.closeBlocking();
        }
    }

    @Test
    void aBackendThatNeverAnswersGets504AfterTheResponseHeaderTimeout() {
        RawHttp.Response response = RawHttp.get(gateway.port(), "silent.test", "/slow");
        assertEquals(504, response.status());
        assertEquals("response_timeout", response.header("X-Gateway-Error"));
        assertTrue(response.body().contains("response_timeout"));
    }

    @Test
    void aBackendThatStallsAfter100ContinueGets504AfterTheResponseHeaderTimeout() throws Exception {
        try (RawHttp http = new RawHttp(gateway.port())) {
            http.socket().setSoTimeout(10_000);
            http.send("POST /upload HTTP/1.1\r\nHost: continue.test\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\ndata");
            assertEquals(100, http.read().status());
            RawHttp.Response response = http.read();
            assertEquals(504, response.status());
            assertEquals("response_timeout", response.header("X-Gateway-Error"));
        }
    }

    @Test
    void interimResponsesReachHttp11ClientsButNeverHttp10Ones() {
        try (RawHttp http = new RawHttp(gateway.port())) {
            http.send("POST /up HTTP/1.1\r\nHost: continue-ok.test\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\ndata");
            assertEquals(100, http.read().status());
            assertEquals(200, http.read().status());
        }
        try (RawHttp http = new RawHttp(gateway.port())) {
            RawHttp.Response response = http.send("POST /up HTTP/1.0\r\nHost: continue-ok.test\r\nContent-Length: 4\r\n\r\ndata").read();
            assertEquals(200, response.status(), "the first thing an HTTP/1.0 client reads is the final response");
            assertEquals("ok", response.body());
        }
    }

    @Test
    void aProtocolSwitchNobodyAskedForIs502() {
        RawHttp.Response response = RawHttp.get(gateway.port(), "unasked.test", "/plain");
        assertEquals(502, response.status());
        assertEquals("invalid_backend_response", response.header("X-Gateway-Error"));
    }

    @Test
    void aGatewayErrorToAHeadRequestIsAHeadAloneAndTheConnectionStaysUsable() {
        try (RawHttp http = new RawHttp(gateway.port())) {
            RawHttp.Response head = http.send("HEAD /h HTTP/1.1\r\nHost: head.test\r\n\r\n").readHead();
            assertEquals(502, head.status());
            assertEquals("backend_connect_failed", head.header("X-Gateway-Error"));
            // Body bytes after the HEAD's head would be read here as the next response's status line.
            RawHttp.Response next = http.send("GET /g HTTP/1.1\r\nHost: head.test\r\nConnection: close\r\n\r\n").read();
            assertEquals(502, next.status());
            assertTrue(next.body().contains("backend_connect_failed"), next.body());
        }
    }

    @Test
    void aBrokenChunkedBodyCutsTheClientConnectionAndTheBackendConnectionIsNotPooled() throws Exception {
        try (RawHttp http = new RawHttp(gateway.port())) {
            http.socket().setSoTimeout(10_000);
            RawHttp.Response head = http.send("GET /broken HTTP/1.1\r\nHost: badchunk.test\r\n\r\n").readHead();
            assertEquals(200, head.status());
            String rest = http.readUntilClosed();
            assertTrue(rest.startsWith("5\r\nhello\r\n"), rest);
            assertFalse(rest.contains("0\r\n\r\n"), "the body must not look complete: " + rest);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> badChunk.closedByGateway.get() == 1);
        assertEquals(1.0, Metrics.value(gateway.adminPort(),
                "gateway_backend_failures_total{backend=\"" + badChunk.address() + "\",reason=\"invalid_response_body\"}"));
    }
}
