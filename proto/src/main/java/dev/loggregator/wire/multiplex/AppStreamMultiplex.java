package dev.loggregator.wire.multiplex;

import dev.loggregator.wire.framing.MalformedBatchException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The multiplexed app-stream link between a Traffic Controller and a Doppler
 * (docs/internal-protocol.md): one WebSocket on {@link #PATH} carries every app stream the
 * Traffic Controller holds, instead of one connection per app per Doppler. The Traffic Controller
 * sends text frames {@code +<app>} (subscribe), {@code ><app>} (subscribe again on a re-dialled link:
 * first replay what the app's stream missed) and {@code -<app>} (unsubscribe); every binary frame
 * the Doppler sends is, after its sequence number, one app's batch behind a tag:
 * {@code uint16 big-endian N | N bytes: the app id in UTF-8 | batch records}.
 */
public final class AppStreamMultiplex {
    public static final String PATH = "/app-streams";
    /** Far above any real app id (a GUID is 36 bytes); bounds what one subscription may cost. */
    public static final int MAX_APP_ID_BYTES = 1024;
    private static final char SUBSCRIBE = '+';
    private static final char RESUME = '>';
    private static final char UNSUBSCRIBE = '-';

    private AppStreamMultiplex() {
    }

    /** A subscription change read from a text frame; {@code resume}: replay what the app's stream missed. */
    public record Request(boolean subscribe, boolean resume, String appId) {
    }

    public static String subscribe(String appId) {
        return SUBSCRIBE + appId;
    }

    /** Subscribes on a re-dialled link, asking for what the app's stream missed meanwhile. */
    public static String resume(String appId) {
        return RESUME + appId;
    }

    public static String unsubscribe(String appId) {
        return UNSUBSCRIBE + appId;
    }

    /** Parses a text frame; IllegalArgumentException says what is wrong with it. */
    public static Request parse(String text) {
        char op = text.isEmpty() ? 0 : text.charAt(0);
        if (text.length() < 2 || (op != SUBSCRIBE && op != RESUME && op != UNSUBSCRIBE)) {
            throw new IllegalArgumentException("expected +<app>, ><app> or -<app>");
        }
        String appId = text.substring(1);
        if (appId.getBytes(StandardCharsets.UTF_8).length > MAX_APP_ID_BYTES) {
            throw new IllegalArgumentException("app id longer than " + MAX_APP_ID_BYTES + " bytes");
        }
        return new Request(op != UNSUBSCRIBE, op == RESUME, appId);
    }

    /** The tag that starts every frame of {@code appId}'s envelopes. */
    public static byte[] tag(String appId) {
        byte[] id = appId.getBytes(StandardCharsets.UTF_8);
        if (id.length > MAX_APP_ID_BYTES) {
            throw new IllegalArgumentException("app id longer than " + MAX_APP_ID_BYTES + " bytes");
        }
        byte[] tag = new byte[2 + id.length];
        tag[0] = (byte) (id.length >>> 8);
        tag[1] = (byte) id.length;
        System.arraycopy(id, 0, tag, 2, id.length);
        return tag;
    }

    /** Reads a frame's tag, leaving {@code frame} positioned at the batch records. */
    public static String readTag(ByteBuffer frame) {
        if (frame.remaining() < 2) {
            throw new MalformedBatchException("frame too short for an app tag");
        }
        int length = ((frame.get() & 0xFF) << 8) | (frame.get() & 0xFF);
        if (length == 0 || length > MAX_APP_ID_BYTES || length > frame.remaining()) {
            throw new MalformedBatchException("app tag of " + length + " bytes in a frame with " + frame.remaining() + " left");
        }
        byte[] id = new byte[length];
        frame.get(id);
        return new String(id, StandardCharsets.UTF_8);
    }
}
