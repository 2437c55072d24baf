package dev.loggregator.wire.routing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import dev.loggregator.wire.transcode.V2LogToV1Bytes;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Log;
import org.junit.jupiter.api.Test;

/** The scan of a plain v2 log must read what protobuf-java parses and write what the parsed path writes. */
class V2LogScanTest {

    private static Envelope.Builder log(String sourceId, String payload, Log.Type type) {
        return Envelope.newBuilder()
                .setTimestamp(1_700_000_000_123_456_789L)
                .setSourceId(sourceId)
                .setInstanceId("3")
                .setLog(Log.newBuilder().setPayload(ByteString.copyFromUtf8(payload)).setType(type));
    }

    /** Scans {@code bytes} (placed inside a larger array) and checks everything against the parse. */
    static void assertSameAsParse(byte[] bytes) throws Exception {
        byte[] padded = new byte[bytes.length + 7];
        System.arraycopy(bytes, 0, padded, 3, bytes.length);
        V2LogScan scan = V2LogScan.read(padded, 3, bytes.length);
        assertNotNull(scan, "scanned");
        Envelope parsed = Envelope.parseFrom(bytes);
        V2LogToV1Bytes.Result fromParse = V2LogToV1Bytes.transcode(parsed);
        assertNotNull(fromParse);
        assertArrayEquals(fromParse.envelope(), scan.v1());
        assertEquals(parsed.getSourceId(), scan.sourceId());
        assertEquals(parsed.getTimestamp(), scan.timestamp());
        assertEquals(parsed.getTagsCount(), scan.tagCount());
        assertEquals(AppOutput.instanceKey(parsed.getInstanceId()), scan.instanceKey());
        boolean app = AppOutput.isAppSourceType(parsed.getTagsOrDefault("source_type", ""));
        assertEquals(app ? parsed.getLog().getPayload().size() : -1, scan.appLogBytes());
    }

    @Test
    void plainLogsAreReadAsTheParseReadsThem() throws Exception {
        assertSameAsParse(log("6f9c2a43-7d1e-4c8a-9b2f-0e1d2c3b4a59", "hello", Log.Type.OUT).build().toByteArray());
        assertSameAsParse(log("app", "an error line", Log.Type.ERR).putTags("source_type", "APP/PROC/WEB").build().toByteArray());
        assertSameAsParse(log("app", "x".repeat(300), Log.Type.OUT).build().toByteArray());
        assertSameAsParse(log("", "no source id", Log.Type.OUT).putTags("source_type", "RTR").build().toByteArray());
        assertSameAsParse(log("app", "", Log.Type.OUT).setTimestamp(-5).setInstanceId("").build().toByteArray());
        assertSameAsParse(log("äpp-ü", "ünïcödé ✓", Log.Type.OUT).putTags("source_type", "ÄPP").build().toByteArray());
        assertSameAsParse(log("app", "new type", Log.Type.OUT).setLog(Log.newBuilder()
                .setPayload(ByteString.copyFromUtf8("new type")).setTypeValue(7)).build().toByteArray());
        assertSameAsParse(log("app", "i", Log.Type.OUT).setInstanceId("web-0c2a").build().toByteArray());
        assertSameAsParse(Envelope.newBuilder().setLog(Log.getDefaultInstance()).build().toByteArray());
    }

    @Test
    void tagsBecomeFieldsOrStayTagsInTheOrderReceived() throws Exception {
        assertSameAsParse(log("app", "bosh", Log.Type.OUT).putAllTags(Map.of(
                "origin", "rep", "deployment", "cf", "job", "diego-cell", "index", "0c2a", "ip", "10.0.0.1",
                "source_type", "APP/PROC/WEB", "space", "dev", "org", "acme", "process_type", "web")).build().toByteArray());
        assertSameAsParse(log("app", "source id tag", Log.Type.OUT).putTags("source_id", "other").build().toByteArray());
        assertSameAsParse(log("", "source id tag kept", Log.Type.OUT).putTags("source_id", "other").build().toByteArray());
        Envelope.Builder many = log("app", "many", Log.Type.OUT);
        for (int i = 0; i < 20; i++) {
            many.putTags("tag" + i, "value" + i);
        }
        assertSameAsParse(many.build().toByteArray());
    }

    @Test
    void fieldsInAnyOrderAndRepeatedScalarsReadAsTheParseReadsThem() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CodedOutputStream coded = CodedOutputStream.newInstance(out);
        coded.writeMessage(4, Log.newBuilder().setPayload(ByteString.copyFromUtf8("first")).build());
        coded.writeString(2, "source-a");
        coded.writeInt64(1, 5);
        coded.writeString(2, "source-b"); // the last one counts
        coded.writeInt64(1, 7);
        coded.writeByteArray(9, mapEntry("k", null)); // an entry without a value: "" as protobuf-java reads it
        coded.writeByteArray(9, mapEntry(null, "v"));
        coded.flush();
        assertSameAsParse(out.toByteArray());
        // a ten-byte timestamp whose last byte is not 1: protobuf-java still reads it as negative
        assertSameAsParse(new byte[] {0x22, 0x00, 0x08, (byte) 0xDE, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
                (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0x9C, 0x7E});
    }

    /** A tags map entry written by hand: key field 1, value field 2, either left out. */
    private static byte[] mapEntry(String key, String value) throws Exception {
        ByteArrayOutputStream entry = new ByteArrayOutputStream();
        CodedOutputStream coded = CodedOutputStream.newInstance(entry);
        if (key != null) {
            coded.writeString(1, key);
        }
        if (value != null) {
            coded.writeString(2, value);
        }
        coded.flush();
        return entry.toByteArray();
    }

    @Test
    void whatTheScanDoesNotCoverIsLeftToTheParse() throws Exception {
        for (Envelope other : List.of(
                log("app", "e", Log.Type.OUT).putTags("__v1_type", "Error").build(),
                log("app", "d", Log.Type.OUT).putDeprecatedTags("source_type",
                        LoggregatorEnvelope.Value.newBuilder().setText("APP").build()).build(),
                Envelope.newBuilder().setCounter(LoggregatorEnvelope.Counter.newBuilder().setName("c")).build(),
                Envelope.newBuilder().setEvent(LoggregatorEnvelope.Event.newBuilder().setTitle("t")).build(),
                Envelope.getDefaultInstance())) {
            byte[] bytes = other.toByteArray();
            assertNull(V2LogScan.read(bytes, 0, bytes.length), other.toString());
        }
        byte[] log = log("app", "x", Log.Type.OUT).build().toByteArray();
        // a repeated tag key, a log in two chunks, a known field in another wire type, invalid UTF-8, truncation
        assertNull(scan(concat(log("app", "x", Log.Type.OUT).putTags("k", "1").build().toByteArray(),
                Envelope.newBuilder().putTags("k", "2").build().toByteArray())));
        assertNull(scan(concat(log, Envelope.newBuilder().setLog(Log.newBuilder().setTypeValue(1)).build().toByteArray())));
        assertNull(scan(concat(log, new byte[] {0x0A, 0x01, 0x00}))); // timestamp as bytes
        assertNull(scan(concat(log, new byte[] {0x12, 0x02, (byte) 0xC3, 0x28}))); // source_id: bad UTF-8
        assertNull(scan(Arrays.copyOf(log, log.length - 1)));
    }

    @Test
    void fieldsNewerThanTheProtoAreSkippedAsProtobufSkipsThem() throws Exception {
        byte[] log = log("app", "x", Log.Type.ERR).putTags("k", "v").build().toByteArray();
        // field 101 as a varint, field 12 as bytes, field 13 as fixed32; and field 3 inside the log message
        byte[] unknown = {(byte) 0xA8, 0x06, 0x01, 12 << 3 | 2, 2, 'h', 'i', 13 << 3 | 5, 1, 2, 3, 4};
        byte[] logMessage = concat(Log.newBuilder().setPayload(ByteString.copyFromUtf8("x")).setType(Log.Type.ERR).build()
                .toByteArray(), new byte[] {3 << 3, 7});
        byte[] logUnknown = concat(Envelope.newBuilder().setSourceId("app").setTimestamp(5).putTags("k", "v").build().toByteArray(),
                concat(new byte[] {0x22, (byte) logMessage.length}, logMessage));
        for (byte[] bytes : List.of(concat(log, unknown), concat(unknown, log), logUnknown)) {
            Envelope parsed = Envelope.parseFrom(bytes);
            V2LogScan scan = scan(bytes);
            assertNotNull(scan);
            assertEquals(parsed.getSourceId(), scan.sourceId());
            assertEquals(parsed.getTimestamp(), scan.timestamp());
            assertEquals(parsed.getLog().getTypeValue(), scan.logType());
            assertEquals(parsed.getLog().getPayload(), ByteString.copyFrom(bytes, scan.payloadOffset(), scan.payloadLength()));
            assertEquals(parsed.getTagsCount(), scan.tagCount());
        }
    }

    private static V2LogScan scan(byte[] bytes) {
        return V2LogScan.read(bytes, 0, bytes.length);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
