package dev.loggregator.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.loggregator.wire.framing.EnvelopeBatch;
import dev.loggregator.wire.framing.FrameTooLargeException;
import dev.loggregator.wire.framing.LengthPrefix;
import dev.loggregator.wire.framing.MalformedBatchException;
import dev.loggregator.wire.signature.InvalidSignatureException;
import dev.loggregator.wire.signature.SignedDatagram;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class FramingTest {
    private static final byte[] SECRET = "secret".getBytes(StandardCharsets.UTF_8);

    @Test
    void lengthPrefixIsLittleEndian() {
        byte[] framed = LengthPrefix.frame(new byte[0x0102]);
        assertArrayEquals(new byte[] {0x02, 0x01, 0x00, 0x00}, Arrays.copyOf(framed, 4));
        assertEquals(4 + 0x0102, framed.length);
    }

    @Test
    void streamRoundTripEndsCleanly() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LengthPrefix.write(out, new byte[] {1, 2, 3});
        LengthPrefix.write(out, new byte[] {});
        ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());
        assertArrayEquals(new byte[] {1, 2, 3}, LengthPrefix.read(in, 10));
        assertArrayEquals(new byte[] {}, LengthPrefix.read(in, 10));
        assertNull(LengthPrefix.read(in, 10));
    }

    @Test
    void oversizedAndTruncatedFramesAreRejectedWithoutAllocating() {
        // 0xFFFFFFFF announced: rejected from the prefix alone
        byte[] huge = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 1};
        assertThrows(FrameTooLargeException.class, () -> LengthPrefix.read(new ByteArrayInputStream(huge), 65536));
        byte[] truncated = {5, 0, 0, 0, 1, 2};
        assertThrows(EOFException.class, () -> LengthPrefix.read(new ByteArrayInputStream(truncated), 65536));
        byte[] halfPrefix = {5, 0};
        assertThrows(EOFException.class, () -> LengthPrefix.read(new ByteArrayInputStream(halfPrefix), 65536));
    }

    @Test
    void batchRoundTripAndMalformedBatches() {
        List<byte[]> envelopes = List.of(new byte[] {1}, new byte[] {2, 3}, new byte[0]);
        byte[] batch = EnvelopeBatch.encode(envelopes);
        assertEquals(EnvelopeBatch.encodedSize(envelopes), batch.length);
        List<byte[]> decoded = EnvelopeBatch.decode(batch, 100);
        assertEquals(3, decoded.size());
        assertArrayEquals(new byte[] {2, 3}, decoded.get(1));
        assertThrows(MalformedBatchException.class, () -> EnvelopeBatch.decode(Arrays.copyOf(batch, batch.length - 1), 100));
        assertThrows(MalformedBatchException.class, () -> EnvelopeBatch.decode(new byte[] {1, 0}, 100));
        assertThrows(MalformedBatchException.class, () -> EnvelopeBatch.decode(EnvelopeBatch.encode(List.of(new byte[11])), 10));
    }

    @Test
    void signedDatagramsVerifyOnlyWithTheRightSecret() {
        byte[] envelope = {10, 20, 30};
        byte[] datagram = SignedDatagram.sign(envelope, SECRET);
        assertEquals(32 + 3, datagram.length);
        assertArrayEquals(envelope, SignedDatagram.verify(datagram, SECRET));
        assertThrows(InvalidSignatureException.class,
                () -> SignedDatagram.verify(datagram, "wrong".getBytes(StandardCharsets.UTF_8)));
        byte[] tampered = datagram.clone();
        tampered[33] ^= 1;
        assertThrows(InvalidSignatureException.class, () -> SignedDatagram.verify(tampered, SECRET));
        assertThrows(InvalidSignatureException.class, () -> SignedDatagram.verify(envelope, SECRET));
        assertThrows(InvalidSignatureException.class, () -> SignedDatagram.verify(new byte[32], SECRET));
    }
}
