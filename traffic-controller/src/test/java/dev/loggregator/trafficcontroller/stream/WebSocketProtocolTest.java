package dev.loggregator.trafficcontroller.stream;

import static dev.loggregator.testsupport.TestApps.guid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.trafficcontroller.support.Cluster;
import dev.loggregator.trafficcontroller.support.RawWebSocket;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a client sends on its stream must be valid RFC 6455 (issue 15, finding 10): text that is not
 * UTF-8 is answered with a 1007 close, a close code no endpoint may send with 1002, a close
 * reason that is not UTF-8 with 1007; every such client still gets a close frame.
 */
class WebSocketProtocolTest {
    private static final int TEXT = 0x1;
    private static final int CLOSE = 0x8;
    private static final byte[] NOT_UTF8 = {(byte) 0xC3, (byte) 0x28, (byte) 0xFF};
    private static Cluster cluster;

    @BeforeAll
    static void start() throws IOException {
        cluster = Cluster.start(1, 1, "auth: {disable_access_control: true}\n");
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static int answerTo(int opcode, byte[] payload) throws IOException {
        try (RawWebSocket ws = RawWebSocket.open(cluster.tcPort(0), "/apps/" + guid("ws-protocol") + "/stream")) {
            assertTrue(ws.upgraded(), ws.statusLine());
            ws.sendFrame(opcode, payload);
            return ws.readCloseCode();
        }
    }

    private static byte[] close(int code, byte[] reason) {
        return ByteBuffer.allocate(2 + reason.length).putShort((short) code).put(reason).array();
    }

    @Test
    void textThatIsNotUtf8IsAnsweredWith1007() throws Exception {
        assertEquals(1007, answerTo(TEXT, NOT_UTF8));
    }

    @Test
    void closeCodesNoEndpointMaySendAreAnsweredWith1002() throws Exception {
        for (int code : new int[] {999, 1005, 1006, 1015, 1016, 2999, 5000}) {
            assertEquals(1002, answerTo(CLOSE, close(code, new byte[0])), "close code " + code);
        }
        assertEquals(1002, answerTo(CLOSE, new byte[] {0x03}), "a one-byte close payload");
    }

    @Test
    void aCloseReasonThatIsNotUtf8IsAnsweredWith1007() throws Exception {
        assertEquals(1007, answerTo(CLOSE, close(1000, NOT_UTF8)));
    }

    @Test
    void validClosesAreEchoed() throws Exception {
        assertEquals(1000, answerTo(CLOSE, close(1000, "bye".getBytes())));
        assertEquals(4001, answerTo(CLOSE, close(4001, new byte[0])));
        assertEquals(1000, answerTo(CLOSE, new byte[0]), "a close without a code is answered with 1000");
    }
}
