package dev.loggregator.e2e.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the RLP gateway's Server-Sent Events ({@code data: {"batch":[...]}} events of protojson
 * envelopes, heartbeats, a closing event) as fast as the server writes them, without a JSON parser
 * on the hot path. The first benchmark envelope is parsed with Jackson and checked field by field
 * (every field protojson writes, nothing else, the payload decoded); after that, an envelope is
 * counted when its bytes after the source id equal that checked one's byte for byte (only the
 * timestamp, read for latency, and the source id differ between the generator's envelopes), so
 * every counted envelope is verified. Anything else (drop notices, other sources, a difference) is
 * parsed, and every 4,096th match is parsed again as a spot check of the comparison itself.
 */
final class SseEnvelopeScanner {
    private static final byte[] BATCH_START = ascii("data: {\"batch\":[");
    private static final byte[] BATCH_END = ascii("]}\n\n");
    private static final byte[] TIMESTAMP = ascii("{\"timestamp\":\"");
    private static final byte[] SOURCE_ID = ascii("\",\"source_id\":\"");
    private static final byte[] HEARTBEAT = ascii("event: heartbeat\n");
    private static final byte[] CLOSING = ascii("event: closing\n");
    private static final Set<String> ENVELOPE_FIELDS = Set.of("timestamp", "source_id", "instance_id", "deprecated_tags", "tags", "log");
    private static final int SPOT_CHECK_EVERY = 4096;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DeliveryCounter counter;
    private final byte[] sourcePrefix;
    private final byte[] payload;
    private byte[] buffer = new byte[1 << 20];
    private int start;
    private int end;
    private boolean inBatch;
    /** The checked envelope's bytes from the source id's closing quote to its closing brace. */
    private byte[] verifiedTail;
    private long matched;
    private long spotChecked;
    private long heartbeats;
    private long others;
    private long invalid;
    private String firstInvalid;
    private String closing;

    /**
     * @param appPrefix the source ids of the benchmark's envelopes start with it
     * @param payload   what every benchmark envelope's log payload is
     */
    SseEnvelopeScanner(DeliveryCounter counter, String appPrefix, byte[] payload) {
        this.counter = counter;
        this.sourcePrefix = appPrefix.getBytes(StandardCharsets.UTF_8);
        this.payload = payload.clone();
    }

    /** Takes the next bytes of the stream (after HTTP de-chunking); {@code arrived} is their {@link BenchClock} time. */
    void feed(byte[] data, int offset, int length, long arrived) {
        if (end + length > buffer.length) {
            System.arraycopy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
            if (end + length > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, end + length));
            }
        }
        System.arraycopy(data, offset, buffer, end, length);
        end += length;
        scan(arrived);
    }

    private void scan(long arrived) {
        while (start < end) {
            int consumed = inBatch ? batchElement(arrived) : event();
            if (consumed == 0) {
                return; // the rest has not arrived yet
            }
            start += consumed;
        }
    }

    /** Outside a batch: the start of a data event, or a whole other event. */
    private int event() {
        if (startsWith(start, BATCH_START)) {
            inBatch = true;
            return BATCH_START.length;
        }
        if (end - start < BATCH_START.length && matchesSoFar(start, BATCH_START)) {
            return 0;
        }
        int eventEnd = indexOf(start, (byte) '\n', (byte) '\n');
        if (eventEnd < 0) {
            return 0;
        }
        if (startsWith(start, HEARTBEAT)) {
            heartbeats++;
        } else if (startsWith(start, CLOSING)) {
            closing = new String(buffer, start, eventEnd - start, StandardCharsets.UTF_8);
        } else {
            invalid("an event that is neither a batch, a heartbeat nor closing: "
                    + new String(buffer, start, Math.min(200, eventEnd - start), StandardCharsets.UTF_8));
        }
        return eventEnd + 2 - start;
    }

    /** Inside a batch: an envelope, a comma, or the batch's end. */
    private int batchElement(long arrived) {
        byte b = buffer[start];
        if (b == ',') {
            return 1;
        }
        if (b == ']') {
            if (end - start < BATCH_END.length) {
                return 0;
            }
            if (!startsWith(start, BATCH_END)) {
                throw new IllegalStateException("a batch does not end with ]}\\n\\n: "
                        + new String(buffer, start, BATCH_END.length, StandardCharsets.UTF_8));
            }
            inBatch = false;
            return BATCH_END.length;
        }
        if (b != '{') {
            throw new IllegalStateException("unexpected byte '" + (char) b + "' in a batch");
        }
        int fast = knownEnvelope(arrived);
        return fast != 0 ? fast : parsedEnvelope(arrived);
    }

    /** The length of a benchmark envelope equal to the checked one from its source id on; 0 when it is not one (or incomplete). */
    private int knownEnvelope(long arrived) {
        if (verifiedTail == null || !startsWith(start, TIMESTAMP)) {
            return 0;
        }
        int at = start + TIMESTAMP.length;
        long timestamp = 0;
        while (at < end && buffer[at] >= '0' && buffer[at] <= '9') {
            timestamp = timestamp * 10 + (buffer[at++] - '0');
        }
        if (!startsWith(at, SOURCE_ID) || !startsWith(at + SOURCE_ID.length, sourcePrefix)) {
            return 0;
        }
        at += SOURCE_ID.length + sourcePrefix.length;
        while (at < end && buffer[at] != '"' && buffer[at] != '\\') {
            at++;
        }
        if (at + verifiedTail.length > end || buffer[at] != '"'
                || !Arrays.equals(buffer, at, at + verifiedTail.length, verifiedTail, 0, verifiedTail.length)) {
            return 0;
        }
        int length = at + verifiedTail.length - start;
        if (++matched % SPOT_CHECK_EVERY == 0) {
            spotChecked++;
            return parsedEnvelope(arrived);
        }
        counter.delivered(timestamp, arrived);
        return length;
    }

    /** Finds the envelope's end, parses and classifies it; 0 when it has not fully arrived. */
    private int parsedEnvelope(long arrived) {
        int objectEnd = objectEnd(start);
        if (objectEnd < 0) {
            return 0;
        }
        int length = objectEnd - start;
        JsonNode envelope;
        try {
            envelope = JSON.readTree(buffer, start, length);
        } catch (IOException e) {
            invalid("not JSON (" + e.getMessage() + "): " + new String(buffer, start, Math.min(length, 300), StandardCharsets.UTF_8));
            return length;
        }
        String sourceType = envelope.path("tags").path("source_type").asText();
        if (envelope.has("log") && sourceType.equals("LGR")
                || envelope.path("counter").path("name").asText().equals("TruncatingBuffer.DroppedMessages")) {
            counter.dropNotice();
        } else if (envelope.path("source_id").asText().startsWith(new String(sourcePrefix, StandardCharsets.UTF_8))) {
            String problem = problem(envelope);
            if (problem != null) {
                invalid(problem + ": " + new String(buffer, start, Math.min(length, 600), StandardCharsets.UTF_8));
            } else {
                counter.delivered(Long.parseLong(envelope.get("timestamp").asText()), arrived);
                if (verifiedTail == null) {
                    learnTail(length);
                }
            }
        } else {
            others++;
        }
        return length;
    }

    /** What is wrong with a benchmark envelope, or null: the fields protojson writes for the generator's log, and no other. */
    private String problem(JsonNode envelope) {
        Set<String> fields = new TreeSet<>();
        envelope.fieldNames().forEachRemaining(fields::add);
        if (!fields.equals(new TreeSet<>(ENVELOPE_FIELDS))) {
            return "fields " + fields + " instead of " + new TreeSet<>(ENVELOPE_FIELDS);
        }
        if (!envelope.get("timestamp").isTextual() || !envelope.get("timestamp").asText().matches("[1-9][0-9]*")) {
            return "timestamp is not an int64 string";
        }
        if (!envelope.get("instance_id").asText().equals("0") || !envelope.get("deprecated_tags").isEmpty()) {
            return "instance_id or deprecated_tags differ";
        }
        JsonNode log = envelope.get("log");
        if (log.size() != 2 || !log.path("type").asText().equals("OUT")) {
            return "log is not {payload, type: OUT}";
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(log.path("payload").asText());
        } catch (IllegalArgumentException e) {
            return "payload is not standard base64";
        }
        if (!Arrays.equals(decoded, payload)) {
            return "payload differs from what was sent";
        }
        JsonNode tags = envelope.get("tags");
        if (!tags.path("source_type").asText().equals("APP/PROC/WEB") || tags.size() != 6) {
            return "tags differ from what was sent";
        }
        Iterator<String> names = tags.fieldNames();
        String previous = "";
        while (names.hasNext()) {
            String name = names.next();
            if (name.compareTo(previous) < 0) {
                return "tags are not sorted";
            }
            previous = name;
        }
        return null;
    }

    private void learnTail(int length) {
        int at = start + TIMESTAMP.length;
        if (!startsWith(start, TIMESTAMP)) {
            return;
        }
        while (buffer[at] >= '0' && buffer[at] <= '9') {
            at++;
        }
        if (!startsWith(at, SOURCE_ID)) {
            return;
        }
        at += SOURCE_ID.length;
        while (buffer[at] != '"') {
            if (buffer[at++] == '\\') {
                return;
            }
        }
        verifiedTail = Arrays.copyOfRange(buffer, at, start + length);
    }

    /** The index after the JSON object starting at {@code from}, or -1 when it has not ended in the buffer. */
    private int objectEnd(int from) {
        int depth = 0;
        boolean inString = false;
        for (int i = from; i < end; i++) {
            byte b = buffer[i];
            if (inString) {
                if (b == '\\') {
                    i++;
                } else if (b == '"') {
                    inString = false;
                }
            } else if (b == '"') {
                inString = true;
            } else if (b == '{' || b == '[') {
                depth++;
            } else if ((b == '}' || b == ']') && --depth == 0) {
                return i + 1;
            }
        }
        return -1;
    }

    private int indexOf(int from, byte first, byte second) {
        for (int i = from; i + 1 < end; i++) {
            if (buffer[i] == first && buffer[i + 1] == second) {
                return i;
            }
        }
        return -1;
    }

    private boolean startsWith(int at, byte[] expected) {
        return at + expected.length <= end && Arrays.equals(buffer, at, at + expected.length, expected, 0, expected.length);
    }

    private boolean matchesSoFar(int at, byte[] expected) {
        int n = Math.min(end - at, expected.length);
        return Arrays.equals(buffer, at, at + n, expected, 0, n);
    }

    private void invalid(String what) {
        invalid++;
        if (firstInvalid == null) {
            firstInvalid = what;
        }
    }

    /** The closing event's text once it came, else null. */
    String closing() {
        return closing;
    }

    long heartbeats() {
        return heartbeats;
    }

    /** What was checked: envelopes matched byte for byte against the parsed one, spot checks, and anything invalid. */
    String verification() {
        return String.format("%,d envelopes matched byte for byte after the source id against one checked field by field"
                + " (%,d spot-checked by parsing); %,d other envelopes; %,d invalid%s", matched, spotChecked, others, invalid,
                firstInvalid == null ? "" : ", first: " + firstInvalid);
    }

    long invalid() {
        return invalid;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
