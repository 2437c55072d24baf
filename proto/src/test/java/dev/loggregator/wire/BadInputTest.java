package dev.loggregator.wire;

import static dev.loggregator.wire.GoldenBytesTest.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.loggregator.wire.framing.EnvelopeBatch;
import dev.loggregator.wire.framing.FrameTooLargeException;
import dev.loggregator.wire.framing.LengthPrefix;
import dev.loggregator.wire.framing.MalformedBatchException;
import dev.loggregator.wire.routing.EnvelopeRouting;
import dev.loggregator.wire.routing.EnvelopeRouting.Routing;
import dev.loggregator.wire.signature.InvalidSignatureException;
import dev.loggregator.wire.signature.SignedDatagram;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope.EventType;
import org.cloudfoundry.dropsonde.events.UuidFactory;
import org.junit.jupiter.api.Test;

/** Truncated, incomplete, oversized, wrongly signed and odd-but-legal input for every decoder. */
class BadInputTest {
    /** LogMessage envelope {origin "o", LogMessage{"" OUT ts 1}}, the base of the hand-made cases. */
    static final byte[] ENVELOPE_HEAD = bytes(0x0A, 1, "o", 0x10, 5);
    static final byte[] LOG = bytes(0x42, 6, 0x0A, 0, 0x10, 1, 0x18, 1);
    static final byte[] MINIMAL = bytes(ENVELOPE_HEAD, LOG);

    private static void assertRejectedByBoth(byte[] bytes) {
        assertThrows(InvalidProtocolBufferException.class, () -> Envelope.parseFrom(bytes), "protobuf-java");
        assertThrows(MalformedEnvelopeException.class, () -> EnvelopeRouting.read(bytes), "EnvelopeRouting");
    }

    private static void assertAcceptedByBoth(byte[] bytes, Routing routing) throws Exception {
        Envelope.parseFrom(bytes);
        assertEquals(routing, EnvelopeRouting.read(bytes));
        assertEquals(routing, FuzzTest.expectedRouting(bytes));
    }

    // --- truncation ---

    @Test
    void everyTruncationOfEveryMessageTypeIsRejectedOrParsesTheSame() {
        for (byte[] envelope : FuzzTest.seeds()) {
            for (int length = 0; length < envelope.length; length++) {
                byte[] truncated = Arrays.copyOf(envelope, length);
                Routing expected = FuzzTest.expectedRouting(truncated);
                if (expected == null) {
                    int at = length;
                    assertThrows(MalformedEnvelopeException.class, () -> EnvelopeRouting.read(truncated), "length " + at);
                } else {
                    // cutting only trailing optional fields (BOSH metadata, tags) leaves a valid envelope
                    assertEquals(expected, EnvelopeRouting.read(truncated));
                }
            }
        }
    }

    @Test
    void emptyInputIsMissingEverything() {
        MalformedEnvelopeException e = assertThrows(MalformedEnvelopeException.class, () -> EnvelopeRouting.read(new byte[0]));
        assertTrue(e.getMessage().contains("origin"), e.getMessage());
    }

    // --- missing required fields ---

    @Test
    void missingRequiredFieldsOfEveryMessageAreRejected() {
        List<byte[]> cases = List.of(
                bytes(0x10, 5, LOG),                                          // no origin
                bytes(0x0A, 1, "o", LOG),                                     // no eventType
                bytes(ENVELOPE_HEAD, 0x42, 4, 0x10, 1, 0x18, 1),              // LogMessage without message
                bytes(ENVELOPE_HEAD, 0x42, 4, 0x0A, 0, 0x18, 1),              // ... without message_type
                bytes(ENVELOPE_HEAD, 0x42, 4, 0x0A, 0, 0x10, 1),              // ... without timestamp
                bytes(0x0A, 1, "o", 0x10, 6, 0x4A, 9, 0x11, 0, 0, 0, 0, 0, 0, 0, 0), // ValueMetric without name, unit
                bytes(0x0A, 1, "o", 0x10, 7, 0x52, 3, 0x0A, 1, "n"),          // CounterEvent without delta
                bytes(0x0A, 1, "o", 0x10, 9, 0x62, 2, 0x10, 0),               // ContainerMetric with only instanceIndex
                bytes(0x0A, 1, "o", 0x10, 8, 0x5A, 4, 0x0A, 0, 0x10, 1),      // Error without message
                bytes(0x0A, 1, "o", 0x10, 4, 0x3A, 4, 0x08, 1, 0x10, 2));     // HttpStartStop with timestamps only
        for (byte[] envelope : cases) {
            assertRejectedByBoth(envelope);
        }
        // protobuf-java accepts an envelope without any payload (the payloads are optional), but
        // there is nothing to route: the one place EnvelopeRouting is stricter
        MalformedEnvelopeException e = assertThrows(MalformedEnvelopeException.class, () -> EnvelopeRouting.read(ENVELOPE_HEAD));
        assertTrue(e.getMessage().contains("no LogMessage payload"), e.getMessage());
    }

    @Test
    void uuidsMissingAHalfAreRejected() {
        byte[] requestIdWithoutHigh = Envelope.newBuilder().setOrigin("o").setEventType(EventType.HttpStartStop)
                .setHttpStartStop(GoldenBytesTest.httpStartStop()
                        .setRequestId(UuidFactory.UUID.newBuilder().setLow(1).buildPartial())
                        .buildPartial())
                .buildPartial().toByteArray();
        assertRejectedByBoth(requestIdWithoutHigh);
        byte[] applicationIdWithoutLow = Envelope.newBuilder().setOrigin("o").setEventType(EventType.HttpStartStop)
                .setHttpStartStop(GoldenBytesTest.httpStartStop()
                        .setApplicationId(UuidFactory.UUID.newBuilder().setHigh(1).buildPartial())
                        .buildPartial())
                .buildPartial().toByteArray();
        assertRejectedByBoth(applicationIdWithoutLow);
    }

    @Test
    void aKnownFieldWithTheWrongWireTypeDoesNotCountAsPresent() {
        // message_type written as length-delimited: proto2 keeps it as an unknown field
        assertRejectedByBoth(bytes(ENVELOPE_HEAD, 0x42, 7, 0x0A, 0, 0x12, 1, 1, 0x18, 1));
        // origin as a varint
        assertRejectedByBoth(bytes(0x08, 1, 0x10, 5, LOG));
    }

    // --- what protobuf-java accepts, EnvelopeRouting must accept too (and route the same) ---

    @Test
    void unknownEnumValuesAreIgnoredLikeProto2() throws Exception {
        Routing log = new Routing(EnvelopeRouting.SYSTEM, EventType.LogMessage);
        assertAcceptedByBoth(bytes(MINIMAL, 0x10, 0xE3, 0x07), log);                       // a later eventType 995
        assertAcceptedByBoth(bytes(ENVELOPE_HEAD, 0x42, 8, 0x0A, 0, 0x10, 7, 0x10, 2, 0x18, 1), log); // type 7 then ERR
        assertAcceptedByBoth(bytes(ENVELOPE_HEAD, 0x42, 8, 0x0A, 0, 0x10, 1, 0x10, 9, 0x18, 1), log); // OUT then 9
        assertRejectedByBoth(bytes(ENVELOPE_HEAD, 0x42, 6, 0x0A, 0, 0x10, 3, 0x18, 1));   // only an unknown type
        assertRejectedByBoth(bytes(0x0A, 1, "o", 0x10, 3, LOG));                          // reserved eventType 3
    }

    @Test
    void varintsAreReadAsInt32WhereProtobufJavaDoes() throws Exception {
        Routing log = new Routing(EnvelopeRouting.SYSTEM, EventType.LogMessage);
        // eventType 2^32 + 5 is LogMessage for an int32 reader
        assertAcceptedByBoth(bytes(0x0A, 1, "o", 0x10, 0x85, 0x80, 0x80, 0x80, 0x10, LOG), log);
        // origin length 2^32 + 1
        assertAcceptedByBoth(bytes(0x0A, 0x81, 0x80, 0x80, 0x80, 0x10, "o", 0x10, 5, LOG), log);
        // a tag written with a padded varint
        assertAcceptedByBoth(bytes(0x8A, 0x80, 0x80, 0x80, 0x00, 1, "o", 0x10, 5, LOG), log);
        // ... but a tag whose low 32 bits are field 0 is invalid
        assertRejectedByBoth(bytes(MINIMAL, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 0x00));
        // a varint of 11 bytes is malformed
        assertRejectedByBoth(bytes(MINIMAL, 0x30, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01));
    }

    @Test
    void groupsAreSkippedToTheirEndAndNestingIsLimited() throws Exception {
        Routing log = new Routing(EnvelopeRouting.SYSTEM, EventType.LogMessage);
        assertAcceptedByBoth(bytes(MINIMAL, 0x1B, 0x08, 0x01, 0x23, 0x24, 0x1C), log);     // group 3 { 1: 1, group 4 {} }
        assertRejectedByBoth(bytes(MINIMAL, 0x1B, 0x08, 0x01, 0x24));                      // ends with the wrong field
        assertRejectedByBoth(bytes(MINIMAL, 0x1B, 0x08, 0x01));                            // never ends
        assertRejectedByBoth(bytes(MINIMAL, 0x1C));                                        // an end without a start
        assertAcceptedByBoth(bytes(MINIMAL, nestedGroups(100)), log);                      // protobuf-java's limit is 100
        assertRejectedByBoth(bytes(MINIMAL, nestedGroups(101)));
        assertRejectedByBoth(bytes(MINIMAL, nestedGroups(100_000)));                       // no stack overflow
    }

    private static byte[] nestedGroups(int depth) {
        byte[] groups = new byte[2 * depth];
        Arrays.fill(groups, 0, depth, (byte) 0x1B);
        Arrays.fill(groups, depth, 2 * depth, (byte) 0x1C);
        return groups;
    }

    @Test
    void aPayloadSplitOverSeveralChunksIsMergedLikeProtobufJava() throws Exception {
        // the required fields come in two chunks
        assertAcceptedByBoth(bytes(ENVELOPE_HEAD, 0x42, 4, 0x0A, 0, 0x10, 1, 0x42, 2, 0x18, 1),
                new Routing(EnvelopeRouting.SYSTEM, EventType.LogMessage));
        // the app id of an earlier chunk stands when a later one has none; a later one replaces it
        byte[] appFirst = bytes(ENVELOPE_HEAD, 0x42, 5, 0x22, 3, "one", LOG);
        assertAcceptedByBoth(appFirst, new Routing("one", EventType.LogMessage));
        assertAcceptedByBoth(bytes(appFirst, 0x42, 5, 0x22, 3, "two"), new Routing("two", EventType.LogMessage));
        // an HttpStartStop application UUID whose halves come in different chunks
        Envelope http = Envelope.newBuilder().setOrigin("o").setEventType(EventType.HttpStartStop)
                .setHttpStartStop(GoldenBytesTest.httpStartStop()).build();
        byte[] split = bytes(http.toByteArray(), 0x3A, 4, 0x62, 2, 0x08, 0x01, 0x3A, 4, 0x62, 2, 0x10, 0x02);
        assertAcceptedByBoth(split, new Routing("01000000-0000-0000-0200-000000000000", EventType.HttpStartStop));
    }

    @Test
    void everyPayloadPresentIsValidatedNotOnlyTheOneEventTypeNames() throws Exception {
        // a broken ValueMetric before the LogMessage the envelope is about
        assertRejectedByBoth(bytes(ENVELOPE_HEAD, 0x4A, 1, 0xFF, LOG));
        assertRejectedByBoth(bytes(ENVELOPE_HEAD, 0x4A, 0, LOG));
        // a complete one is legal (and ignored for routing)
        assertAcceptedByBoth(bytes(ENVELOPE_HEAD, 0x5A, 6, 0x0A, 0, 0x10, 1, 0x1A, 0, LOG),
                new Routing(EnvelopeRouting.SYSTEM, EventType.LogMessage));
        // the payload eventType names must be there even if another one is
        assertThrows(MalformedEnvelopeException.class,
                () -> EnvelopeRouting.read(bytes(ENVELOPE_HEAD, 0x5A, 6, 0x0A, 0, 0x10, 1, 0x1A, 0)));
    }

    @Test
    void tagsMustBeWellFormedMapEntriesWithUtf8Strings() throws Exception {
        Routing log = new Routing(EnvelopeRouting.SYSTEM, EventType.LogMessage);
        assertAcceptedByBoth(bytes(MINIMAL, 0x8A, 0x01, 9, 0x0A, 1, "k", 0x12, 4, 0xF0, 0x9F, 0x98, 0x80), log); // an emoji
        assertAcceptedByBoth(bytes(MINIMAL, 0x8A, 0x01, 4, 0x18, 0x01, 0x1A, 0x00), log); // unknown entry fields
        assertAcceptedByBoth(bytes(MINIMAL, 0x8A, 0x01, 3, 0x22, 1, 0xFF), log);           // unknown fields are not checked
        assertRejectedByBoth(bytes(MINIMAL, 0x8A, 0x01, 1, 0xFF));                         // garbage entry
        assertRejectedByBoth(bytes(MINIMAL, 0x8A, 0x01, 4, 0x0A, 5, "k", "v"));            // key overruns the entry
        for (byte[] invalid : List.of(bytes(0xFF), bytes(0xC0, 0x80), bytes(0xED, 0xA0, 0x80),
                bytes(0xF4, 0x90, 0x80, 0x80), bytes(0xE2, 0x82), bytes(0x80))) {
            assertRejectedByBoth(bytes(MINIMAL, 0x8A, 0x01, 5 + invalid.length, 0x0A, 1, "k", 0x12, invalid.length, invalid));
            assertRejectedByBoth(bytes(MINIMAL, 0x8A, 0x01, 2 + invalid.length, 0x0A, invalid.length, invalid));
        }
    }

    @Test
    void invalidUtf8OutsideMapsIsLegalInProto2() throws Exception {
        // proto2 strings are not checked; the app id decodes with replacement characters on both sides
        byte[] envelope = bytes(ENVELOPE_HEAD, 0x42, 9, 0x0A, 0, 0x10, 1, 0x18, 1, 0x22, 1, 0xFF);
        assertAcceptedByBoth(envelope, new Routing("\uFFFD", EventType.LogMessage));
    }

    // --- oversized lengths ---

    @Test
    void hugeLengthsInsideAnEnvelopeAreRejectedWithoutAllocating() {
        assertRejectedByBoth(bytes(0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, "o"));   // origin of 2 GiB - 1
        assertRejectedByBoth(bytes(0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, "o"));   // negative as an int32
        assertRejectedByBoth(bytes(ENVELOPE_HEAD, 0x42, 0xFF, 0xFF, 0xFF, 0xFF, 0x07));
    }

    @Test
    void oversizedLengthPrefixIsRejectedBeforeReadingTheBody() throws Exception {
        byte[] prefix = {(byte) 0x01, (byte) 0x00, (byte) 0x01, (byte) 0x00}; // 65537
        // a body that never ends: only the prefix may be read
        InputStream endless = new InputStream() {
            int served;

            @Override
            public int read() {
                return served < prefix.length ? prefix[served++] & 0xFF : 0;
            }
        };
        assertThrows(FrameTooLargeException.class, () -> LengthPrefix.read(endless, 65536));
        byte[] exactlyMax = LengthPrefix.frame(new byte[65536]);
        assertEquals(65536, LengthPrefix.read(new ByteArrayInputStream(exactlyMax), 65536).length);
        byte[] maxUnsigned = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
        FrameTooLargeException e = assertThrows(FrameTooLargeException.class,
                () -> LengthPrefix.read(new ByteArrayInputStream(maxUnsigned), Integer.MAX_VALUE));
        assertTrue(e.getMessage().contains("4294967295"), e.getMessage());
    }

    @Test
    void truncatedFramesAreEofAndACleanEndIsNull() throws Exception {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        LengthPrefix.write(stream, MINIMAL);
        byte[] framed = stream.toByteArray();
        for (int length = 1; length < framed.length; length++) {
            byte[] cut = Arrays.copyOf(framed, length);
            assertThrows(EOFException.class, () -> LengthPrefix.read(new ByteArrayInputStream(cut), 1024), "length " + length);
        }
        assertNull(LengthPrefix.read(new ByteArrayInputStream(new byte[0]), 1024));
        ByteArrayInputStream whole = new ByteArrayInputStream(framed);
        assertArrayEquals(MINIMAL, LengthPrefix.read(whole, 1024));
        assertNull(LengthPrefix.read(whole, 1024));
    }

    @Test
    void oversizedOrInconsistentBatchRecordsAreRejected() {
        byte[] batch = EnvelopeBatch.encode(List.of(MINIMAL, MINIMAL));
        assertEquals(2, EnvelopeBatch.decode(batch, MINIMAL.length).size());
        assertThrows(MalformedBatchException.class, () -> EnvelopeBatch.decode(batch, MINIMAL.length - 1));
        assertThrows(MalformedBatchException.class,
                () -> EnvelopeBatch.decode(bytes(0xFF, 0xFF, 0xFF, 0xFF, 0x00), Integer.MAX_VALUE));
        for (int length = 1; length < batch.length; length++) {
            if (length != 4 + MINIMAL.length) {
                byte[] cut = Arrays.copyOf(batch, length);
                assertThrows(MalformedBatchException.class, () -> EnvelopeBatch.decode(cut, 1024), "length " + length);
            }
        }
        ByteBuffer direct = ByteBuffer.allocateDirect(batch.length).put(batch).flip();
        assertEquals(2, EnvelopeBatch.decode(direct, 1024).size());
        assertEquals(0, direct.remaining(), "the buffer is consumed");
        assertEquals(List.of(), EnvelopeBatch.decode(new byte[0], 1024));
    }

    // --- signatures ---

    @Test
    void wrongSignaturesAreRejected() {
        byte[] secret = "loggregator-secret".getBytes(StandardCharsets.UTF_8);
        byte[] datagram = SignedDatagram.sign(MINIMAL, secret);
        assertArrayEquals(MINIMAL, SignedDatagram.verify(datagram, secret));
        assertThrows(InvalidSignatureException.class,
                () -> SignedDatagram.verify(datagram, "loggregator-secreT".getBytes(StandardCharsets.UTF_8)));
        for (int i = 0; i < datagram.length; i++) {
            byte[] flipped = datagram.clone();
            flipped[i] ^= 0x01;
            assertThrows(InvalidSignatureException.class, () -> SignedDatagram.verify(flipped, secret), "byte " + i);
        }
        // an unsigned envelope (TCP framing sent to the UDP port) and runt datagrams
        assertThrows(InvalidSignatureException.class, () -> SignedDatagram.verify(MINIMAL, secret));
        assertThrows(InvalidSignatureException.class, () -> SignedDatagram.verify(new byte[0], secret));
        assertThrows(InvalidSignatureException.class, () -> SignedDatagram.verify(Arrays.copyOf(datagram, 32), secret));
        // the envelope alone, stripped of the last byte: the MAC no longer matches
        assertThrows(InvalidSignatureException.class,
                () -> SignedDatagram.verify(Arrays.copyOf(datagram, datagram.length - 1), secret));
    }

    @Test
    void signaturesVerifyInsideALargerBufferAndWithAnEmptySecret() {
        byte[] secret = new byte[0];
        byte[] datagram = SignedDatagram.sign(MINIMAL, secret);
        byte[] buffer = bytes(0x00, 0x00, datagram, 0x00);
        assertArrayEquals(MINIMAL, SignedDatagram.verify(buffer, 2, datagram.length, secret));
        assertThrows(InvalidSignatureException.class, () -> SignedDatagram.verify(buffer, 1, datagram.length, secret));
        // HMAC-SHA256 with a known answer (RFC 4231 test case 2 key and data) keeps sign() honest
        byte[] rfcKey = "Jefe".getBytes(StandardCharsets.US_ASCII);
        byte[] rfcData = "what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII);
        assertEquals("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
                FuzzTest.hex(Arrays.copyOf(SignedDatagram.sign(rfcData, rfcKey), 32)));
    }
}
