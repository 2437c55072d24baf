package dev.loggregator.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.gateway.support.RawHttp;
import dev.loggregator.gateway.support.RunningGateway;
import dev.loggregator.gateway.support.ScriptedBackend;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code gateway.preconnect}: with it, the backend connection that carries a WebSocket handshake
 * was accepted before the client sent that handshake (a spare dialled after the previous one);
 * without it, the connection is dialled for the handshake. Backend and gateway share this JVM's clock.
 */
class PreconnectTest {
    private static final String HANDSHAKE = "GET /ws HTTP/1.1\r\nHost: pre.test\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n";

    @Test
    void aHandshakeTakesTheSpareConnectionDialledAfterThePreviousOne() {
        try (ScriptedBackend backend = new ScriptedBackend(ScriptedBackend.Behaviour.UPGRADE_THEN_ECHO);
                RunningGateway gateway = start(backend, 1)) {
            handshake(gateway);
            // The connection the first handshake used, and one spare.
            await().atMost(Duration.ofSeconds(20)).until(() -> backend.accepted.get() == 2);
            long secondSentAt = handshake(gateway);
            assertTrue(acceptedAt(backend, 1) < secondSentAt, "the second handshake went over a connection accepted before it was sent");
            await().atMost(Duration.ofSeconds(20)).until(() -> backend.accepted.get() == 3); // and a new spare
        }
    }

    @Test
    void withoutPreconnectEveryHandshakeDials() {
        try (ScriptedBackend backend = new ScriptedBackend(ScriptedBackend.Behaviour.UPGRADE_THEN_ECHO);
                RunningGateway gateway = start(backend, 0)) {
            handshake(gateway);
            long secondSentAt = handshake(gateway);
            assertTrue(acceptedAt(backend, 1) > secondSentAt, "the second handshake's backend connection was dialled for it");
            assertEquals(2, backend.accepted.get());
        }
    }

    /** Completes a handshake through the gateway (and its tunnel, checked by an echo); returns when it was sent. */
    private static long handshake(RunningGateway gateway) {
        try (RawHttp client = new RawHttp(gateway.port())) {
            long sentAt = System.nanoTime();
            assertEquals(101, client.send(HANDSHAKE).read().status());
            client.send("ping");
            assertEquals("early-from-backend|ping", new String(client.readBytes(23), java.nio.charset.StandardCharsets.US_ASCII));
            return sentAt;
        }
    }

    private static long acceptedAt(ScriptedBackend backend, int request) {
        return List.copyOf(backend.requestConnectionAcceptedAt).get(request);
    }

    /** One event loop, so the spare and the next handshake meet on the same thread. */
    private static RunningGateway start(ScriptedBackend backend, int preconnect) {
        return RunningGateway.start("  threads: 1\n  preconnect: " + preconnect + "\n  routes:\n    - hosts: ['*']\n      backends: ["
                + backend.address() + "]\n");
    }
}
