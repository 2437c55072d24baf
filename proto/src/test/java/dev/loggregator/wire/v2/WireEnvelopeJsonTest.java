package dev.loggregator.wire.v2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.loggregator.wire.v2.json.EnvelopeJson;
import dev.loggregator.wire.v2.json.WireEnvelopeJson;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Counter;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Log;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Value;
import org.junit.jupiter.api.Test;

/**
 * The JSON written straight from an envelope's bytes must be byte for byte what {@link EnvelopeJson}
 * writes for the parsed envelope with preferred tags (itself checked against golden fixtures), and
 * what it does not handle it must leave to that path, writing nothing.
 */
class WireEnvelopeJsonTest {
    private static String slow(byte[] bytes) throws InvalidProtocolBufferException {
        return new String(EnvelopeJson.encode(TagPreference.PREFERRED.apply(Envelope.parseFrom(bytes))), StandardCharsets.UTF_8);
    }

    /** One writer for every envelope of a test, as for every envelope of a read. */
    private final WireEnvelopeJson writer = new WireEnvelopeJson();

    /** The fast JSON, or null when the writer declined (then it must have written nothing). */
    private String fast(byte[] bytes) {
        ByteBuf out = Unpooled.buffer();
        out.writeBytes(new byte[] {'x'});
        boolean written = writer.write(bytes, out);
        if (!written) {
            assertEquals(1, out.readableBytes(), "nothing written when declining");
            return null;
        }
        return new String(ByteBufUtil.getBytes(out, 1, out.readableBytes() - 1), StandardCharsets.UTF_8);
    }

    private static Envelope.Builder log() {
        return Envelope.newBuilder().setTimestamp(1755684000123456789L).setSourceId("6b1c3a24-0d2f-4e6a-9a6e-2f1b0c9d8e71")
                .setInstanceId("0").putTags("source_type", "APP/PROC/WEB").putTags("app_name", "web")
                .setLog(Log.newBuilder().setPayload(ByteString.copyFromUtf8("hello world")));
    }

    @Test
    void writesTheLogEnvelopesOfAppsAsEnvelopeJsonDoes() throws Exception {
        for (Envelope envelope : new Envelope[] {
                log().build(),
                log().setTimestamp(-1).setSourceId("a\"b\\c").putTags("k\nl", "tab\there\u0001\u007f\b\f\r<&>/")
                        .setLog(Log.newBuilder().setPayload(ByteString.copyFrom(new byte[] {0, (byte) 0xff})).setType(Log.Type.ERR)).build(),
                Envelope.newBuilder().setLog(Log.getDefaultInstance()).build(),
                log().clearTags().setLog(Log.newBuilder().setPayload(ByteString.copyFrom(new byte[1]))).build(),
                log().setLog(Log.newBuilder().setPayload(ByteString.copyFrom(new byte[2]))).build(),
                log().setLog(Log.newBuilder().setPayload(ByteString.copyFrom(new byte[3]))).build(),
                log().putTags("", "").putTags("a", "").putTags("A", "x").putTags("aa", "y").build()}) {
            byte[] bytes = envelope.toByteArray();
            assertEquals(slow(bytes), fast(bytes));
        }
    }

    @Test
    void matchesEnvelopeJsonOnRandomLogEnvelopes() throws Exception {
        Random random = new Random(42);
        for (int n = 0; n < 2000; n++) {
            Envelope.Builder envelope = Envelope.newBuilder().setTimestamp(random.nextLong())
                    .setSourceId(ascii(random, 40)).setInstanceId(ascii(random, 3));
            int tags = random.nextInt(12);
            for (int i = 0; i < tags; i++) {
                envelope.putTags(ascii(random, 12), ascii(random, 20));
            }
            byte[] payload = new byte[random.nextInt(300)];
            random.nextBytes(payload);
            envelope.setLog(Log.newBuilder().setPayload(ByteString.copyFrom(payload))
                    .setType(random.nextBoolean() ? Log.Type.OUT : Log.Type.ERR));
            byte[] bytes = envelope.build().toByteArray();
            assertEquals(slow(bytes), fast(bytes));
        }
    }

    @Test
    void leavesWhatItDoesNotHandleToEnvelopeJson() {
        assertFalse(fast(log().putDeprecatedTags("origin", Value.newBuilder().setText("x").build()).build().toByteArray()) != null,
                "deprecated tags move into tags");
        assertFalse(fast(log().setSourceId("é").build().toByteArray()) != null, "non-ASCII strings");
        assertFalse(fast(log().putTags("k", "\u2028").build().toByteArray()) != null, "non-ASCII tags");
        assertFalse(fast(log().setCounter(Counter.newBuilder().setName("c")).build().toByteArray()) != null, "not a log");
        assertFalse(fast(Envelope.newBuilder().setSourceId("s").build().toByteArray()) != null, "no message");
        assertFalse(fast(log().setLog(Log.newBuilder().setTypeValue(7)).build().toByteArray()) != null, "a type with no name");
        byte[] once = log().build().toByteArray();
        byte[] twice = new byte[once.length * 2];
        System.arraycopy(once, 0, twice, 0, once.length);
        System.arraycopy(once, 0, twice, once.length, once.length);
        assertFalse(fast(twice) != null, "fields given twice (protobuf merges them)");
        assertFalse(fast(new byte[] {(byte) 0x8a}) != null, "truncated bytes");
        assertTrue(fast(log().build().toByteArray()) != null);
    }

    @Test
    void skipsUnknownFieldsAsProtojsonLeavesThemOut() throws Exception {
        byte[] known = log().build().toByteArray();
        byte[] unknown = {11 << 3, 5, 12 << 3 | 2, 2, (byte) 'h', (byte) 'i', 13 << 3 | 5, 1, 2, 3, 4};
        byte[] bytes = new byte[known.length + unknown.length];
        System.arraycopy(known, 0, bytes, 0, known.length);
        System.arraycopy(unknown, 0, bytes, known.length, unknown.length);
        assertEquals(slow(bytes), fast(bytes));
    }

    private static String ascii(Random random, int max) {
        char[] chars = new char[random.nextInt(max + 1)];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = (char) (random.nextInt(10) == 0 ? random.nextInt(0x20) : 0x20 + random.nextInt(0x60));
        }
        return new String(chars);
    }
}
