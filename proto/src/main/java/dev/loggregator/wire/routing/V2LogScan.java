package dev.loggregator.wire.routing;

import static dev.loggregator.wire.routing.ProtoScanner.LEN;
import static dev.loggregator.wire.routing.ProtoScanner.VARINT;

import dev.loggregator.wire.MalformedEnvelopeException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Log;

/**
 * The one reader of plain v2 log envelopes from their marshalled bytes, for every path that would
 * otherwise parse the bulk of all traffic into an {@code Envelope} only to write it out again: v2
 * ingress (what routing needs: source id, timestamp, whether it is an app's own output and of which
 * instance; and the v1 bytes {@link V2LogV1Writer} writes from the received ranges, what
 * {@code V2LogToV1Bytes} writes from a parse, byte for byte), Log Cache's JSON and the syslog drains'
 * lines. It locates fields as offsets into the bytes; no tag is decoded into a string.
 *
 * <p>The scan only says yes to what it understands completely: the fields timestamp, source_id,
 * instance_id, tags and log (payload, type), every string valid UTF-8 as protobuf-java requires, no
 * tag key twice, no {@code __v1_type} tag; fields newer than this proto are skipped, as protobuf-java
 * leaves them out of the values. Anything else (other messages, deprecated_tags, merged log chunks,
 * bad bytes) is refused, and the caller parses the envelope: so every
 * envelope this accepts, protobuf-java parses to the same values, and a field given twice is read as
 * protobuf-java reads it (the last one). {@link #read} makes a scan per envelope (ingress keeps it
 * until routed); a writer that formats envelope after envelope reuses one with {@link #scan}.
 */
public final class V2LogScan {
    /** Most tags a scanned log may carry; more go to the full parse. */
    static final int MAX_TAGS = 32;

    private static final int TIMESTAMP = Envelope.TIMESTAMP_FIELD_NUMBER;
    private static final int SOURCE_ID = Envelope.SOURCE_ID_FIELD_NUMBER;
    private static final int LOG = Envelope.LOG_FIELD_NUMBER;
    private static final int INSTANCE_ID = Envelope.INSTANCE_ID_FIELD_NUMBER;
    private static final int TAGS = Envelope.TAGS_FIELD_NUMBER;
    /** The highest field number of a v2 Envelope (event). */
    private static final int LAST_FIELD = Envelope.EVENT_FIELD_NUMBER;
    private static final int LOG_PAYLOAD = Log.PAYLOAD_FIELD_NUMBER;
    private static final int LOG_TYPE = Log.TYPE_FIELD_NUMBER;
    /** A map entry's key and value fields, fixed by protobuf's map encoding. */
    private static final int ENTRY_KEY = 1;
    private static final int ENTRY_VALUE = 2;
    private static final byte[] V1_TYPE = "__v1_type".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SOURCE_TYPE = "source_type".getBytes(StandardCharsets.US_ASCII);

    byte[] bytes;
    long timestamp;
    int sourceIdOffset;
    int sourceIdLength;
    int instanceIdOffset;
    int instanceIdLength;
    int payloadOffset = -1;
    int payloadLength;
    int logType;
    /** Per tag, in the order received: key offset, key length, value offset, value length. */
    int[] tags = new int[8 * 4];
    int tagCount;
    /** Tag indexes in key order, after {@link #keyOrder}. */
    private int[] order;
    /** The cursors a reused scan keeps (allocation per envelope and tag otherwise): the envelope's, and one for a message inside it. */
    private ProtoScanner envelope;
    private ProtoScanner nested;
    /**
     * Tags a writer scanning many envelopes of one app instance sees again and again ({@link #rememberingTags}):
     * the bytes from the first tag field to the end of the last envelope whose tail was nothing but tags, and
     * its {@link #tags} relative to that tail's start. An envelope ending in the same bytes has the same tags.
     */
    private final boolean rememberTags;
    private byte[] tailBytes;
    private int[] tailTags;
    private int tailTagCount;
    private long tailGeneration;
    /** Where the first tag field starts (-1: none yet), and whether only tag fields followed it (scan only). */
    private int firstTagField;
    private boolean onlyTagsSinceFirst;
    private long generations;
    /** The same for two scans only if their tags are the same bytes ({@link #tagsGeneration}). */
    private long tagsGeneration;

    /** An empty scan, for {@link #scan}. */
    public V2LogScan() {
        this(false);
    }

    private V2LogScan(boolean rememberTags) {
        this.rememberTags = rememberTags;
    }

    /**
     * An empty scan, for {@link #scan}, for a writer of envelope after envelope that mostly come from a few app
     * instances (the syslog drains): an envelope whose tags are the same bytes as the last one's that had them
     * at its end has them copied instead of read again, and keeps its {@link #tagsGeneration}.
     */
    public static V2LogScan rememberingTags() {
        return new V2LogScan(true);
    }

    /** The scan of the plain v2 log at these bytes, or null when the envelope needs the full parse. */
    public static V2LogScan read(byte[] bytes, int offset, int length) {
        V2LogScan scan = new V2LogScan();
        boolean scanned = scan.scan(bytes, offset, length);
        scan.envelope = null; // this scan is kept until its envelope is routed: without its cursors
        scan.nested = null;
        return scanned ? scan : null;
    }

    /** Scans the envelope at these bytes into this scan (what it held before is gone); false when it needs the full parse. */
    public boolean scan(byte[] bytes, int offset, int length) {
        this.bytes = bytes;
        timestamp = 0;
        sourceIdOffset = offset;
        sourceIdLength = 0;
        instanceIdOffset = offset;
        instanceIdLength = 0;
        payloadOffset = -1;
        payloadLength = 0;
        logType = 0;
        tagCount = 0;
        firstTagField = -1;
        onlyTagsSinceFirst = false;
        tagsGeneration = ++generations;
        try {
            envelope = envelope == null ? new ProtoScanner(bytes, offset, length, 0) : envelope.reset(bytes, offset, length, 0);
            return scan(envelope);
        } catch (MalformedEnvelopeException e) {
            return false; // the full parse says what is wrong
        }
    }

    private boolean scan(ProtoScanner in) {
        boolean log = false;
        while (in.hasMore()) {
            int field = in.position();
            int tag = in.readTag();
            if (firstTagField >= 0 && tag != (TAGS << 3 | LEN)) {
                onlyTagsSinceFirst = false;
            }
            switch (tag) {
                case TIMESTAMP << 3 | VARINT -> {
                    int start = in.position();
                    long value = in.readVarint();
                    // protobuf-java's array decoder reads a ten-byte varint as negative whatever its last
                    // byte holds (a valid one has just bit 63 there): read what it reads
                    timestamp = in.position() - start == 10 ? value | Long.MIN_VALUE : value;
                }
                case SOURCE_ID << 3 | LEN -> {
                    sourceIdLength = in.readLength();
                    sourceIdOffset = in.position();
                    if (!text(in, sourceIdLength)) {
                        return false;
                    }
                }
                case INSTANCE_ID << 3 | LEN -> {
                    instanceIdLength = in.readLength();
                    instanceIdOffset = in.position();
                    if (!text(in, instanceIdLength)) {
                        return false;
                    }
                }
                case TAGS << 3 | LEN -> {
                    if (firstTagField < 0) {
                        firstTagField = field;
                        onlyTagsSinceFirst = true;
                        if (rememberTags && sameTail(field, in.limit())) {
                            repeatTail(field);
                            in.skipBytes(in.limit() - in.position());
                            return log;
                        }
                    }
                    int entryLength = in.readLength();
                    int entryOffset = in.position();
                    in.skipBytes(entryLength);
                    if (!tag(entryOffset, entryLength)) {
                        return false;
                    }
                }
                case LOG << 3 | LEN -> {
                    if (log) {
                        return false; // protobuf-java merges the chunks: leave that to it
                    }
                    log = true;
                    int logLength = in.readLength();
                    int logOffset = in.position();
                    in.skipBytes(logLength);
                    if (!log(nested(logOffset, logLength))) {
                        return false;
                    }
                }
                default -> {
                    if (tag >>> 3 <= LAST_FIELD) {
                        return false; // deprecated_tags, another message, or a known field in a wire type it does not have
                    }
                    in.skip(tag); // a field this proto does not know: protobuf-java keeps it out of the values too
                }
            }
        }
        if (log && rememberTags && onlyTagsSinceFirst) {
            rememberTail(in.limit());
        }
        return log;
    }

    /** True when the bytes from {@code field} to {@code end} are the remembered tail (so: only tags, all as remembered). */
    private boolean sameTail(int field, int end) {
        byte[] tail = tailBytes;
        return tail != null && end - field == tail.length && Arrays.equals(bytes, field, end, tail, 0, tail.length);
    }

    /** The remembered tags, moved to a tail that starts at {@code field}. */
    private void repeatTail(int field) {
        int n = tailTagCount;
        if (tags.length < n * 4) {
            tags = new int[n * 4];
        }
        int[] from = tailTags;
        int[] to = tags;
        for (int i = 0; i < n * 4; i += 4) {
            to[i] = from[i] + field;
            to[i + 1] = from[i + 1];
            to[i + 2] = from[i + 2] + field;
            to[i + 3] = from[i + 3];
        }
        tagCount = n;
        tagsGeneration = tailGeneration;
    }

    /** Remembers this envelope's tags and the bytes they came from, its tail from the first tag field to {@code end}. */
    private void rememberTail(int end) {
        int start = firstTagField;
        tailBytes = Arrays.copyOfRange(bytes, start, end);
        int n = tagCount;
        int[] relative = tailTags == null || tailTags.length < n * 4 ? new int[Math.max(8, n) * 4] : tailTags;
        for (int i = 0; i < n * 4; i += 4) {
            relative[i] = tags[i] - start;
            relative[i + 1] = tags[i + 1];
            relative[i + 2] = tags[i + 2] - start;
            relative[i + 3] = tags[i + 3];
        }
        tailTags = relative;
        tailTagCount = n;
        tailGeneration = tagsGeneration;
    }

    private boolean log(ProtoScanner in) {
        payloadOffset = 0;
        payloadLength = 0;
        while (in.hasMore()) {
            int tag = in.readTag();
            if (tag == (LOG_PAYLOAD << 3 | LEN)) {
                payloadLength = in.readLength();
                payloadOffset = in.position();
                in.skipBytes(payloadLength);
            } else if (tag == (LOG_TYPE << 3 | VARINT)) {
                logType = (int) in.readVarint();
            } else if (tag >>> 3 > LOG_TYPE) {
                in.skip(tag); // unknown to this proto
            } else {
                return false;
            }
        }
        return true;
    }

    /** One map entry of {@code tags}: exactly a key and a value, each at most once (either may be absent). */
    private boolean tag(int offset, int length) {
        if (tagCount == MAX_TAGS) {
            return false;
        }
        ProtoScanner in = nested(offset, length);
        int keyOffset = -1;
        int keyLength = 0;
        int valueOffset = -1;
        int valueLength = 0;
        while (in.hasMore()) {
            int tag = in.readTag();
            if (tag == (ENTRY_KEY << 3 | LEN) && keyOffset < 0) {
                keyLength = in.readLength();
                keyOffset = in.position();
                if (!text(in, keyLength)) {
                    return false;
                }
            } else if (tag == (ENTRY_VALUE << 3 | LEN) && valueOffset < 0) {
                valueLength = in.readLength();
                valueOffset = in.position();
                if (!text(in, valueLength)) {
                    return false;
                }
            } else {
                return false;
            }
        }
        if (keyOffset < 0) {
            keyOffset = offset; // an absent key is "": any offset with length 0
        }
        if (valueOffset < 0) {
            valueOffset = offset;
        }
        if (equals(keyOffset, keyLength, V1_TYPE) || find(keyOffset, keyLength) >= 0) {
            return false; // the Error mapping, or a repeated key (protobuf-java keeps the first place, the last value)
        }
        int i = tagCount++ * 4;
        if (i == tags.length) {
            tags = Arrays.copyOf(tags, tags.length * 2);
        }
        int[] t = tags;
        t[i] = keyOffset;
        t[i + 1] = keyLength;
        t[i + 2] = valueOffset;
        t[i + 3] = valueLength;
        return true;
    }

    /** The cursor over a message inside the envelope (the log, a tag entry), one after the other. */
    private ProtoScanner nested(int offset, int length) {
        return nested == null ? nested = new ProtoScanner(bytes, offset, length, 1) : nested.reset(bytes, offset, length, 1);
    }

    private boolean text(ProtoScanner in, int length) {
        int offset = in.position();
        in.skipBytes(length);
        return Utf8.isValid(bytes, offset, length);
    }

    /** The index of the tag with this key, or -1. */
    private int find(int keyOffset, int keyLength) {
        for (int i = 0; i < tagCount; i++) {
            int k = i * 4;
            if (tags[k + 1] == keyLength && Arrays.equals(bytes, tags[k], tags[k] + keyLength,
                    bytes, keyOffset, keyOffset + keyLength)) {
                return i;
            }
        }
        return -1;
    }

    /** The index of the tag with this ASCII key, or -1. */
    public int find(byte[] key) {
        for (int i = 0; i < tagCount; i++) {
            if (equals(tags[i * 4], tags[i * 4 + 1], key)) {
                return i;
            }
        }
        return -1;
    }

    boolean equals(int offset, int length, byte[] key) {
        return length == key.length && Arrays.equals(bytes, offset, offset + length, key, 0, key.length);
    }

    /**
     * The tag indexes in the byte order of their keys (Go's string order, and code point order for
     * UTF-8): {@code keyOrder()[0..tagCount())}. The array is reused by the next call.
     */
    public int[] keyOrder() {
        if (order == null || order.length < tagCount) {
            order = new int[Math.max(8, tagCount)];
        }
        for (int i = 0; i < tagCount; i++) {
            int tag = i;
            int j = i - 1;
            while (j >= 0 && compareKeys(order[j], tag) > 0) {
                order[j + 1] = order[j];
                j--;
            }
            order[j + 1] = tag;
        }
        return order;
    }

    /**
     * Unsigned byte order of two keys. A plain loop: tag keys are short and mostly differ in their
     * first byte, where {@code Arrays.compareUnsigned}'s set-up cost more than the comparison.
     */
    private int compareKeys(int a, int b) {
        int[] t = tags;
        int offsetA = t[a * 4];
        int lengthA = t[a * 4 + 1];
        int offsetB = t[b * 4];
        int lengthB = t[b * 4 + 1];
        byte[] data = bytes;
        int common = Math.min(lengthA, lengthB);
        for (int i = 0; i < common; i++) {
            int diff = (data[offsetA + i] & 0xFF) - (data[offsetB + i] & 0xFF);
            if (diff != 0) {
                return diff;
            }
        }
        return lengthA - lengthB;
    }

    /** The bytes scanned; every offset below is into them. */
    public byte[] bytes() {
        return bytes;
    }

    public int sourceIdOffset() {
        return sourceIdOffset;
    }

    public int sourceIdLength() {
        return sourceIdLength;
    }

    public int instanceIdOffset() {
        return instanceIdOffset;
    }

    public int instanceIdLength() {
        return instanceIdLength;
    }

    public int payloadOffset() {
        return payloadOffset;
    }

    public int payloadLength() {
        return payloadLength;
    }

    /** The log's type as its number (OUT 0, ERR 1; any other number as sent). */
    public int logType() {
        return logType;
    }

    public int tagKeyOffset(int tag) {
        return tags[tag * 4];
    }

    public int tagKeyLength(int tag) {
        return tags[tag * 4 + 1];
    }

    public int tagValueOffset(int tag) {
        return tags[tag * 4 + 2];
    }

    public int tagValueLength(int tag) {
        return tags[tag * 4 + 3];
    }

    /** The envelope's {@code source_id}. */
    public String sourceId() {
        return new String(bytes, sourceIdOffset, sourceIdLength, StandardCharsets.UTF_8);
    }

    /** The envelope's timestamp (Unix nanoseconds). */
    public long timestamp() {
        return timestamp;
    }

    /**
     * Equal for two scans of this reused scan only when both envelopes' tags are the same bytes (the second's
     * repeated the first's), so what a writer made of the first's tags holds for the second's.
     */
    public long tagsGeneration() {
        return tagsGeneration;
    }

    /** How many tags it has (none deprecated: such envelopes are not scanned). */
    public int tagCount() {
        return tagCount;
    }

    /**
     * For a log of an app's own output ({@link AppOutput}: its {@code source_type} tag is {@code APP...})
     * the length of its payload; -1 for anything else.
     */
    public int appLogBytes() {
        int sourceType = find(SOURCE_TYPE);
        return sourceType >= 0 && AppOutput.isAppSourceType(bytes, tags[sourceType * 4 + 2], tags[sourceType * 4 + 3])
                ? payloadLength : -1;
    }

    /** The {@link AppOutput#instanceKey} of its instance id. */
    public long instanceKey() {
        return AppOutput.instanceKey(bytes, instanceIdOffset, instanceIdLength);
    }

    /** Its v1 form: a LogMessage envelope, as {@code V2ToV1Converter} makes it. */
    public byte[] v1() {
        return V2LogV1Writer.write(this);
    }
}
