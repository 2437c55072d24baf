package dev.loggregator.cli.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MultipartReaderTest {
    private static final String BOUNDARY = "9b2f0c61a2e4d7b3c9e8f1a0b5d6c7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2";

    /** What Go's mime/multipart Writer produces for parts created with no headers. */
    private static byte[] goMultipart(List<byte[]> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < parts.size(); i++) {
            out.writeBytes(((i == 0 ? "" : "\r\n") + "--" + BOUNDARY + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(parts.get(i));
        }
        out.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    @Test
    void readsGoStyleBodiesWithBinaryParts() {
        byte[] binary = {0x0a, 0x03, 'r', 'e', 'p', 0x10, 0x05, '\r', '\n', '-', '-', 0x00, (byte) 0xff};
        byte[] empty = {};
        byte[] text = "third".getBytes(StandardCharsets.UTF_8);
        List<byte[]> parts = MultipartReader.parts(goMultipart(List.of(binary, empty, text)), BOUNDARY);
        assertEquals(3, parts.size());
        assertArrayEquals(binary, parts.get(0));
        assertArrayEquals(empty, parts.get(1));
        assertArrayEquals(text, parts.get(2));
    }

    @Test
    void zeroPartsFromGoOrAnEmptyBody() {
        assertEquals(0, MultipartReader.parts(goMultipart(List.of()), BOUNDARY).size());
        assertEquals(0, MultipartReader.parts(new byte[0], BOUNDARY).size());
    }

    @Test
    void skipsPreambleHeadersAndEpilogue() {
        String body = "this is a preamble\r\n--b\r\nContent-Type: application/x-protobuf\r\nX-Other: 1\r\n\r\none\r\n--b  \r\n\r\ntwo\r\n--b--\r\nepilogue";
        List<byte[]> parts = MultipartReader.parts(body.getBytes(StandardCharsets.US_ASCII), "b");
        assertEquals(2, parts.size());
        assertEquals("one", new String(parts.get(0), StandardCharsets.US_ASCII));
        assertEquals("two", new String(parts.get(1), StandardCharsets.US_ASCII));
    }

    @Test
    void rejectsTruncatedOrForeignBodies() {
        byte[] whole = goMultipart(List.of("a".getBytes(StandardCharsets.US_ASCII), "b".getBytes(StandardCharsets.US_ASCII)));
        byte[] truncated = java.util.Arrays.copyOf(whole, whole.length - BOUNDARY.length() - 8);
        assertThrows(MalformedMultipartException.class, () -> MultipartReader.parts(truncated, BOUNDARY));
        assertThrows(MalformedMultipartException.class, () -> MultipartReader.parts("not multipart at all".getBytes(StandardCharsets.US_ASCII), BOUNDARY));
        assertThrows(MalformedMultipartException.class, () -> MultipartReader.parts("--b\r\nunterminated header".getBytes(StandardCharsets.US_ASCII), "b"));
        assertThrows(MalformedMultipartException.class, () -> MultipartReader.parts(whole, ""));
    }

    @Test
    void findsTheBoundaryParameter() {
        assertEquals("abc", MultipartReader.boundaryOf("multipart/x-protobuf; boundary=abc"));
        assertEquals("a b", MultipartReader.boundaryOf("multipart/x-protobuf;charset=x; BOUNDARY=\"a b\""));
        assertNull(MultipartReader.boundaryOf("multipart/x-protobuf"));
        assertNull(MultipartReader.boundaryOf(null));
    }
}
