package dev.loggregator.gateway.tunnel;

import static dev.loggregator.gateway.tunnel.FrameBoundariesTest.frame;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.gateway.DrainDeadlineEvent;
import dev.loggregator.gateway.admin.GatewayMetrics;
import dev.loggregator.gateway.routing.BackendRegistry;
import dev.loggregator.manifest.GatewaySection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The end of a WebSocket tunnel at the drain deadline, byte by byte: the frame in flight is
 * finished, then each side gets a Close (1001) — masked towards the backend — and nothing after it.
 * (Both sides are in-memory channels so the cut can be placed exactly; the real processes are in
 * {@code SeamlessReloadTest} and {@code DrainTest}.)
 */
class GoingAwayTest {
    private static final GatewaySection.Timeouts TIMEOUTS = new GatewaySection.Timeouts(null, null, null, null, null, null, null, null, 2000);

    private EmbeddedChannel client;
    private EmbeddedChannel backend;

    @BeforeEach
    void tunnel() {
        client = new EmbeddedChannel();
        backend = new EmbeddedChannel();
        BackendRegistry registry = new BackendRegistry();
        Tunnel tunnel = Tunnel.install(client, backend, registry.get("127.0.0.1:9"), new GatewayMetrics(registry), "test", TIMEOUTS, true);
        tunnel.start();
        client.freezeTime();
    }

    private static byte[] drain(EmbeddedChannel channel) {
        ByteBuf all = Unpooled.buffer();
        for (ByteBuf buf = channel.readOutbound(); buf != null; buf = channel.readOutbound()) {
            all.writeBytes(buf);
            buf.release();
        }
        byte[] bytes = new byte[all.readableBytes()];
        all.readBytes(bytes);
        return bytes;
    }

    private static void assertGoingAway(byte[] frame, boolean masked) {
        assertEquals((byte) 0x88, frame[0], "FIN + Close");
        assertEquals(masked, (frame[1] & 0x80) != 0);
        int length = frame[1] & 0x7F;
        byte[] payload = Arrays.copyOfRange(frame, masked ? 6 : 2, (masked ? 6 : 2) + length);
        for (int i = 0; masked && i < payload.length; i++) {
            payload[i] ^= frame[2 + (i & 3)];
        }
        assertEquals(1001, ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF));
        assertEquals((masked ? 6 : 2) + length, frame.length, "nothing after the Close");
    }

    @Test
    void theFrameInFlightIsFinishedThenBothSidesGet1001AndTheirAnswersCloseTheTunnel() {
        byte[] inFlight = frame(0x2, 1000, false);
        backend.writeInbound(Unpooled.wrappedBuffer(inFlight, 0, 100));
        assertArrayEquals(Arrays.copyOf(inFlight, 100), drain(client));

        client.pipeline().fireUserEventTriggered(DrainDeadlineEvent.INSTANCE);
        assertGoingAway(drain(backend), true);
        assertEquals(0, drain(client).length, "no Close into the middle of a frame");

        byte[] next = frame(0x2, 10, false);
        ByteBuf rest = Unpooled.buffer().writeBytes(inFlight, 100, inFlight.length - 100).writeBytes(next);
        backend.writeInbound(rest);
        byte[] toClient = drain(client);
        assertArrayEquals(Arrays.copyOfRange(inFlight, 100, inFlight.length), Arrays.copyOf(toClient, inFlight.length - 100));
        assertGoingAway(Arrays.copyOfRange(toClient, inFlight.length - 100, toClient.length), false);

        client.writeInbound(Unpooled.wrappedBuffer(frame(0x1, 4, true))); // sent before the client saw our Close: dropped
        assertEquals(0, drain(backend).length);
        assertTrue(client.isOpen());
        client.writeInbound(Unpooled.wrappedBuffer(frame(FrameBoundaries.OPCODE_CLOSE, 2, true)));
        backend.writeInbound(Unpooled.wrappedBuffer(frame(FrameBoundaries.OPCODE_CLOSE, 2, false)));
        client.runPendingTasks();
        backend.runPendingTasks();
        assertFalse(client.isOpen(), "both answered: the tunnel is closed");
        assertFalse(backend.isOpen());
    }

    @Test
    void aSideThatAlreadySentItsCloseGetsNoSecondOneAndSilentSidesAreCutAfterTheCloseTimeout() {
        byte[] normalClosure = {(byte) 0x88, 2, 0x03, (byte) 0xE8};
        backend.writeInbound(Unpooled.wrappedBuffer(normalClosure));
        assertArrayEquals(normalClosure, drain(client));

        client.pipeline().fireUserEventTriggered(DrainDeadlineEvent.INSTANCE);
        assertEquals(0, drain(client).length, "the backend's own Close went through; ours would be a second");
        assertGoingAway(drain(backend), true);

        client.advanceTimeBy(1999, TimeUnit.MILLISECONDS);
        client.runScheduledPendingTasks();
        assertTrue(client.isOpen());
        client.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        client.runScheduledPendingTasks();
        backend.runPendingTasks();
        assertFalse(client.isOpen(), "no answer within websocket_close_ms");
        assertFalse(backend.isOpen());
        assertEquals(0, drain(client).length, "nothing more to the client");
    }
}
