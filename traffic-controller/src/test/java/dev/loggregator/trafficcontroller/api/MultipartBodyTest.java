package dev.loggregator.trafficcontroller.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Our multipart layout read back by Jakarta Mail, an independent MIME parser. */
class MultipartBodyTest {
    @Test
    void partsComeBackByteForByteIncludingCrLfAndBinary() throws Exception {
        byte[] binary = new byte[256];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) i;
        }
        List<byte[]> parts = List.of("one".getBytes(), "\r\n--not-a-boundary\r\n".getBytes(), binary, new byte[0]);
        String boundary = MultipartBody.newBoundary();
        ByteBuf body = MultipartBody.encode(ByteBufAllocator.DEFAULT, boundary, parts);
        byte[] bytes = new byte[body.readableBytes()];
        body.readBytes(bytes);
        body.release();

        MimeMultipart multipart = new MimeMultipart(new ByteArrayDataSource(bytes, MultipartBody.contentType(boundary)));
        assertEquals(parts.size(), multipart.getCount());
        for (int i = 0; i < parts.size(); i++) {
            try (InputStream in = multipart.getBodyPart(i).getInputStream()) {
                assertArrayEquals(parts.get(i), in.readAllBytes(), "part " + i);
            }
        }
    }

    @Test
    void boundariesAreRandomSixtyHexDigitsLikeGos() {
        String boundary = MultipartBody.newBoundary();
        assertEquals(60, boundary.length());
        assertEquals(true, boundary.matches("[0-9a-f]+"));
        assertNotEquals(boundary, MultipartBody.newBoundary());
    }
}
