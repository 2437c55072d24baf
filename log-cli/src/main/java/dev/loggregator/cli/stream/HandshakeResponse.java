package dev.loggregator.cli.stream;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The status line and body of the server's answer to a WebSocket upgrade. Java-WebSocket only
 * reports a refused upgrade as a protocol error, but the user needs to know whether it was a
 * 401, a 404 or a 503, and the Traffic Controller's 401 body says why.
 */
public record HandshakeResponse(int status, String reason, String body) {

    /** Reads what is available of an HTTP response head from {@code buffer} without consuming it; null if not HTTP. */
    static HandshakeResponse peek(ByteBuffer buffer) {
        ByteBuffer view = buffer.duplicate();
        byte[] bytes = new byte[Math.min(view.remaining(), 8192)];
        view.get(bytes);
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int lineEnd = text.indexOf("\r\n");
        String statusLine = lineEnd < 0 ? text : text.substring(0, lineEnd);
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            return null;
        }
        int status;
        try {
            status = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            return null;
        }
        int headEnd = text.indexOf("\r\n\r\n");
        String body = headEnd < 0 ? "" : new String(bytes, headEnd + 4, bytes.length - headEnd - 4, StandardCharsets.UTF_8).strip();
        return new HandshakeResponse(status, parts.length > 2 ? parts[2] : "", body);
    }
}
