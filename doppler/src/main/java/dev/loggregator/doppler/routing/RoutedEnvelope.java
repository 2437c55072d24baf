package dev.loggregator.doppler.routing;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.loggregator.wire.routing.AppOutput;
import dev.loggregator.wire.routing.EnvelopeRouting;
import dev.loggregator.wire.routing.EnvelopeTimestamp;
import dev.loggregator.wire.routing.V2LogScan;
import dev.loggregator.wire.v2.TagPreference;
import dev.loggregator.wire.v2.V1ToV2Converter;
import dev.loggregator.wire.v2.V2Kind;
import dev.loggregator.wire.v2.json.EnvelopeJson;
import org.cloudfoundry.dropsonde.events.EventFactory;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope.EventType;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;

/**
 * One envelope as it travels through the Doppler, parsed once at ingress and kept in the form it
 * arrived in. Its v1 form (zero, one or several marshalled v1 envelopes, with the v1 routing key and
 * type read once) is made at ingress, because v1 app streams route on it; its v2 forms (protobuf with
 * preferred or deprecated tags, and protojson) are made the first time a subscriber of that format
 * takes it, and then kept, so each wire format costs one conversion per envelope however many
 * subscribers read it. Conversions may race on two event loops: both compute the same bytes and
 * either result is kept.
 *
 * <p>A plain v2 log is never parsed into an object at ingress ({@link #fromV2Log}: a scan of its bytes
 * reads the few fields routing needs and writes its v1 form). Other v2 envelopes are parsed, and the
 * parsed object (about 1-1.5 KB of tag maps and strings per envelope) serves the router
 * thread only: once routed ({@link #routed()}) the envelope keeps its bytes and a few read-once fields,
 * because the replay ring and the subscriber queues hold tens of thousands of envelopes and that object
 * graph cost each young collection more than everything else the Doppler does. A wire form made after
 * routing decodes the bytes it keeps, once for that form (the form itself is kept).
 */
public final class RoutedEnvelope {
    private static final byte[][] NONE = new byte[0][];
    /** This object with its source id string, and the header of an array: the fixed part of {@link #heldBytes()}. */
    private static final int OBJECT_BYTES = 160;
    private static final int ARRAY_BYTES = 16;
    /**
     * A parsed v2 envelope, estimated: a 200-byte log with half a dozen tags measured about 1.4 KB (its
     * map entries, strings and their UTF-16 copies), so a fixed part plus four times its bytes.
     */
    private static final int PARSE_BYTES = 512;
    private static final int PARSE_BYTES_PER_BYTE = 4;

    private final String appId;
    private final EventType eventType;
    private final byte[][] v1;
    private final V2Kind kind;
    private final byte[] v2Original;
    private volatile Envelope v2;
    private volatile byte[] v2Preferred;
    private volatile byte[] v2Deprecated;
    private volatile byte[] json;
    private final int appLogBytes;
    private final long instanceKey;
    private final String sourceId; // of what arrived as v2, read at ingress; null for v1
    private final long v2Timestamp;
    private final boolean asIsWithPreferredTags; // what arrived as v2 leaves as it came for that preference
    private final boolean asIsWithDeprecatedTags;
    private final int heldBytes;
    private long sequence; // set once by the router before anyone else sees the envelope

    private RoutedEnvelope(String appId, EventType eventType, byte[][] v1, V2Kind kind, byte[] v2Original, Envelope v2,
                           int appLogBytes, long instanceKey) {
        this(appId, eventType, v1, kind, v2Original, v2, appLogBytes, instanceKey,
                v2 != null ? v2.getSourceId() : null, v2 != null ? v2.getTimestamp() : 0,
                v2 != null && TagPreference.PREFERRED.isNoOp(v2), v2 != null && TagPreference.DEPRECATED.isNoOp(v2));
    }

    private RoutedEnvelope(String appId, EventType eventType, byte[][] v1, V2Kind kind, byte[] v2Original, Envelope v2,
                           int appLogBytes, long instanceKey, String sourceId, long v2Timestamp,
                           boolean asIsWithPreferredTags, boolean asIsWithDeprecatedTags) {
        this.sourceId = sourceId;
        this.v2Timestamp = v2Timestamp;
        this.asIsWithPreferredTags = asIsWithPreferredTags;
        this.asIsWithDeprecatedTags = asIsWithDeprecatedTags;
        this.appId = appId;
        this.eventType = eventType;
        this.v1 = v1;
        this.kind = kind;
        this.v2Original = v2Original;
        this.v2 = v2;
        this.appLogBytes = appLogBytes;
        this.instanceKey = instanceKey;
        this.heldBytes = heldBytes(v1, v2Original, v2 != null);
    }

    /** The object, its arrays and (estimated) a parse it holds: what the ingress buffer's byte budget counts. */
    private static int heldBytes(byte[][] v1, byte[] v2Original, boolean parsed) {
        int bytes = OBJECT_BYTES + ARRAY_BYTES * (v1.length + 1);
        for (byte[] form : v1) {
            bytes += form.length;
        }
        int original = v2Original != null ? v2Original.length : 0;
        if (v2Original != null) {
            bytes += ARRAY_BYTES + original;
        }
        if (parsed) {
            bytes += PARSE_BYTES + PARSE_BYTES_PER_BYTE * original;
        }
        return bytes;
    }

    /** An envelope that arrived as v1 bytes, already validated, with its routing read from them. */
    public static RoutedEnvelope fromV1(EnvelopeRouting.Routing routing, byte[] bytes) {
        return new RoutedEnvelope(routing.appId(), routing.eventType(), new byte[][] {bytes}, V2Kind.of(routing.eventType()),
                null, null, routing.appLogBytes(), routing.instanceKey());
    }

    /** A v1 envelope this Doppler made (a notice, self-metrics): never charged to a log-rate limit. */
    public static RoutedEnvelope fromV1(String appId, EventType eventType, byte[] bytes) {
        return new RoutedEnvelope(appId, eventType, new byte[][] {bytes}, V2Kind.of(eventType), null, null, -1, 0);
    }

    /**
     * An envelope that arrived as v2: its bytes as received, their parse, and its v1 form (empty for
     * an event, several ValueMetrics for a plain multi-metric gauge) with that form's routing key
     * and type (both null when there is no v1 form).
     */
    public static RoutedEnvelope fromV2(byte[] original, Envelope parsed, byte[][] v1, String appId, EventType eventType) {
        boolean appLog = parsed.hasLog() && AppOutput.isAppSourceType(sourceType(parsed));
        return new RoutedEnvelope(appId, eventType, v1.length == 0 ? NONE : v1, V2Kind.of(parsed), original, parsed,
                appLog ? parsed.getLog().getPayload().size() : -1, appLog ? AppOutput.instanceKey(parsed.getInstanceId()) : 0);
    }

    /**
     * A plain v2 log read by {@link V2LogScan} instead of parsed: its bytes as received, its v1 form (none
     * when that is too large) and the fields the scan read. Nothing else of it is held; what needs the v2
     * object ({@link #v2()}) decodes the bytes.
     */
    public static RoutedEnvelope fromV2Log(byte[] original, V2LogScan log, byte[][] v1) {
        String sourceId = log.sourceId();
        int appLogBytes = log.appLogBytes();
        return new RoutedEnvelope(sourceId.isEmpty() ? EnvelopeRouting.SYSTEM : sourceId, EventType.LogMessage,
                v1.length == 0 ? NONE : v1, V2Kind.LOG, original, null, appLogBytes, appLogBytes >= 0 ? log.instanceKey() : 0,
                sourceId, log.timestamp(), true, log.tagCount() == 0);
    }

    /** A v2 envelope's source type: its {@code source_type} tag, or the deprecated tag of old agents. */
    private static String sourceType(Envelope v2) {
        String tag = v2.getTagsOrDefault("source_type", null);
        if (tag != null) {
            return tag;
        }
        return v2.containsDeprecatedTags("source_type") ? v2.getDeprecatedTagsOrThrow("source_type").getText() : "";
    }

    /**
     * For a log of an app's own output ({@link AppOutput}: source type {@code APP/...}) the length of its
     * message, which a log-rate limit charges; -1 for anything else.
     */
    public int appLogBytes() {
        return appLogBytes;
    }

    /** The {@link AppOutput#instanceKey} of the instance that wrote an app's own log ({@link #appLogBytes()} at least 0). */
    public long instanceKey() {
        return instanceKey;
    }

    /** About how much heap this envelope takes while it waits in the ingress buffer (bytes, v1 forms, the parse if held). */
    public int heldBytes() {
        return heldBytes;
    }

    /** The router's sequence number of this envelope (0 before routing): it numbers everything a Doppler handles, in order. */
    public long sequence() {
        return sequence;
    }

    void sequence(long sequence) {
        this.sequence = sequence;
    }

    /** The v1 routing key (app id, or {@code system}); null when the envelope has no v1 form. */
    public String appId() {
        return appId;
    }

    /** The v1 event type; null when the envelope has no v1 form. */
    public EventType eventType() {
        return eventType;
    }

    /** The v2 message kind; null for a v2 envelope without a message. */
    public V2Kind kind() {
        return kind;
    }

    /** The marshalled v1 envelopes this envelope is on v1 links. */
    public byte[][] v1() {
        return v1;
    }

    /** The first v1 form: the bytes themselves for an envelope that arrived as v1. */
    public byte[] v1Bytes() {
        return v1.length == 0 ? null : v1[0];
    }

    public boolean arrivedAsV2() {
        return v2Original != null;
    }

    /** The bytes as they arrived: a marshalled v2 envelope ({@link #arrivedAsV2()}) or v1 envelope. */
    public byte[] originalBytes() {
        return v2Original != null ? v2Original : v1[0];
    }

    /**
     * The v2 {@code source_id}, read cheaply: for an envelope that arrived as v2 its own; for one that
     * arrived as v1 its app id, which is what tov2 makes the source id of app logs, container metrics
     * and HTTP events, and only for envelopes of no app (platform metrics) the tov2 conversion itself.
     */
    public String sourceId() {
        if (v2Original != null || !EnvelopeRouting.SYSTEM.equals(appId)) {
            return v2Original != null ? sourceId : appId;
        }
        return v2().getSourceId();
    }

    /** The envelope's timestamp (Unix nanoseconds), read without parsing what arrived as v1. */
    public long timestamp() {
        return v2Original != null ? v2Timestamp : EnvelopeTimestamp.read(v1[0]);
    }

    /**
     * The v2 envelope (converted from v1 by tov2 rules on first use). After {@link #routed()} it is
     * decoded again and kept; {@link #v2Unkept()} for a use that should not keep it.
     */
    public Envelope v2() {
        Envelope parsed = v2;
        if (parsed == null) {
            parsed = decodeV2();
            v2 = parsed;
        }
        return parsed;
    }

    /**
     * The router is done with this envelope: forget the v2 object, which what holds envelopes for longer
     * (replay ring, subscriber queues) should not keep.
     */
    void routed() {
        v2 = null;
    }

    /**
     * The v2 object for one use (a syslog drain formatting it) that should not make the envelope hold it
     * wherever it is held for longer: the router's while routing, else decoded (or converted) again.
     */
    public Envelope v2Unkept() {
        return v2ForForm();
    }

    /** The v2 object for making one wire form: the router's while routing, else decoded and not kept. */
    private Envelope v2ForForm() {
        Envelope parsed = v2;
        return parsed != null ? parsed : decodeV2();
    }

    private Envelope decodeV2() {
        if (v2Original == null) {
            return V1ToV2Converter.convert(parseV1(v1[0]));
        }
        try {
            return Envelope.parseFrom(v2Original);
        } catch (InvalidProtocolBufferException e) {
            // Parsed at ingress: bytes that got this far parse.
            throw new IllegalStateException("v2 envelope no longer parses", e);
        }
    }

    /** Marshalled v2 envelope with the given tag preference. */
    public byte[] v2Bytes(TagPreference preference) {
        if (preference == TagPreference.PREFERRED) {
            byte[] bytes = v2Preferred;
            if (bytes == null) {
                bytes = marshal(preference);
                v2Preferred = bytes;
            }
            return bytes;
        }
        byte[] bytes = v2Deprecated;
        if (bytes == null) {
            bytes = marshal(preference);
            v2Deprecated = bytes;
        }
        return bytes;
    }

    /** The envelope's protojson object with preferred tags, as the RLP gateway writes it. */
    public byte[] json() {
        byte[] bytes = json;
        if (bytes == null) {
            bytes = EnvelopeJson.encode(TagPreference.PREFERRED.apply(v2ForForm()));
            json = bytes;
        }
        return bytes;
    }

    private byte[] marshal(TagPreference preference) {
        // What arrived as v2 and needs no tag change leaves as it came, byte for byte (decided at ingress).
        if (preference == TagPreference.PREFERRED ? asIsWithPreferredTags : asIsWithDeprecatedTags) {
            return v2Original;
        }
        return preference.apply(v2ForForm()).toByteArray();
    }

    private static EventFactory.Envelope parseV1(byte[] bytes) {
        try {
            return EventFactory.Envelope.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            // Validated at ingress (EnvelopeRouting): bytes that got this far parse.
            throw new IllegalStateException("v1 envelope no longer parses", e);
        }
    }
}
