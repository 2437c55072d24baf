package dev.loggregator.e2e.drain;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * RFC 6587 octet counting ({@code <length> <message>}), as syslog drains write it: each frame
 * becomes the message as a String, its final newline removed. Anything else closes the connection.
 */
public final class OctetCountingDecoder extends ByteToMessageDecoder {
    private static final int MAX_LENGTH_DIGITS = 8;
    private final int maxMessageBytes;

    public OctetCountingDecoder(int maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int start = in.readerIndex();
        int length = 0;
        int digits = 0;
        while (true) {
            if (digits > MAX_LENGTH_DIGITS) {
                throw new CorruptedFrameException("frame length has more than " + MAX_LENGTH_DIGITS + " digits");
            }
            if (start + digits >= in.writerIndex()) {
                return; // the length is not complete yet
            }
            byte b = in.getByte(start + digits);
            if (b == ' ' && digits > 0) {
                break;
            }
            if (b < '0' || b > '9') {
                throw new CorruptedFrameException("not octet counting: byte " + (b & 0xff) + " in a frame length");
            }
            length = length * 10 + (b - '0');
            digits++;
        }
        if (length > maxMessageBytes) {
            throw new CorruptedFrameException("message of " + length + " bytes, above " + maxMessageBytes);
        }
        if (in.writerIndex() - (start + digits + 1) < length) {
            return; // the message is not complete yet
        }
        in.skipBytes(digits + 1);
        String message = in.readCharSequence(length, StandardCharsets.UTF_8).toString();
        out.add(message.endsWith("\n") ? message.substring(0, message.length() - 1) : message);
    }
}
