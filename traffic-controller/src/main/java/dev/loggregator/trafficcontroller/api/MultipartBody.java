package dev.loggregator.trafficcontroller.api;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The {@code multipart/x-protobuf} body of recentlogs and containermetrics
 * (loggregator-v1-reference §2.5), laid out exactly as Go's mime/multipart writer does: parts
 * without headers, each holding one raw marshalled envelope, and a random 60-hex-digit boundary.
 */
final class MultipartBody {
    private MultipartBody() {
    }

    static String newBoundary() {
        byte[] random = new byte[30];
        ThreadLocalRandom.current().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    static String contentType(String boundary) {
        return "multipart/x-protobuf; boundary=" + boundary;
    }

    static ByteBuf encode(ByteBufAllocator alloc, String boundary, List<byte[]> parts) {
        byte[] delimiter = ("--" + boundary + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] close = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        int size = close.length;
        for (byte[] part : parts) {
            size += 2 + delimiter.length + part.length;
        }
        ByteBuf body = alloc.buffer(size);
        for (int i = 0; i < parts.size(); i++) {
            if (i > 0) {
                body.writeByte('\r').writeByte('\n');
            }
            body.writeBytes(delimiter).writeBytes(parts.get(i));
        }
        body.writeBytes(close);
        return body;
    }
}
