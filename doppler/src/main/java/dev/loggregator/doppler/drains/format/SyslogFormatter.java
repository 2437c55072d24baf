package dev.loggregator.doppler.drains.format;

import dev.loggregator.wire.routing.V2LogScan;
import dev.loggregator.wire.v2.GoFloats;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.GaugeValue;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Log;

/**
 * A v2 envelope as RFC 5424 messages, byte for byte as the syslog agent writes them
 * (loggregator-agent-release {@code egress/syslog/rfc5424.go} with go-loggregator's
 * {@code rfc5424.Message.MarshalBinary}; modern-apis.md §4.1-4.2):
 * <pre>
 * &lt;PRI&gt;1 TIMESTAMP HOSTNAME APP-NAME PROCID - SD MSG
 * </pre>
 * A log is one message (PRI 14 for OUT, 11 for ERR). A gauge is one message per metric, a
 * counter, timer or event one message; metrics have PROCID {@code [instance]}, an empty MSG and
 * end in {@code " \n"}. The agent ranges over a Go map for gauges, so its order is random; here
 * metrics go in name order. Fields the agent would refuse (non-printable header fields, a tag name
 * that is no SD name) make the whole envelope {@link Unformattable}, as the agent then writes none
 * of its messages.
 */
public final class SyslogFormatter {
    private static final byte[] METRIC_END = " \n".getBytes(StandardCharsets.US_ASCII);
    private static final String TAGS_ID = "tags@47450";

    /** Receives each message; {@code buffer} is reused for the next one as soon as the call returns. */
    @FunctionalInterface
    public interface Messages {
        void message(MessageBuffer buffer);
    }

    /** The envelope has a field the agent's marshaller refuses; nothing of it is written. */
    public static final class Unformattable extends Exception {
        Unformattable(String field, String value) {
            super("Message cannot be serialized because " + field + " is invalid: " + value, null, false, false);
        }
    }

    private final Rfc5424Header header = new Rfc5424Header();
    private final V2LogScan logScan = V2LogScan.rememberingTags();
    private final V2LogLine logLine = new V2LogLine(header);
    private final MessageBuffer buffer = header.buffer();
    /*
     * The header fields of the last envelope, by what they were made from: a drain's envelopes mostly
     * come from a few instances of one app, so most envelopes reuse them instead of building them again.
     */
    private String lastOrg;
    private String lastSpace;
    private String lastApp;
    private String lastDefaultHostname;
    private String lastHostname;
    private String lastSourceId;
    private String lastAppName;
    private String lastSourceType;
    private String lastInstance;
    private String lastProcId;

    /**
     * {@link #format(Envelope, String, boolean, Messages)} of a marshalled v2 envelope: a log (the
     * bulk of what drains carry) is written from its bytes, anything else parsed first.
     */
    public int format(byte[] envelope, String defaultHostname, boolean omitTags, Messages out) throws Unformattable {
        if (logScan.scan(envelope, 0, envelope.length)) {
            return logLine.format(logScan, defaultHostname, omitTags, out);
        }
        try {
            return format(Envelope.parseFrom(envelope), defaultHostname, omitTags, out);
        } catch (InvalidProtocolBufferException e) {
            // Parsed at ingress: bytes that got this far parse.
            throw new IllegalStateException("v2 envelope no longer parses", e);
        }
    }

    /**
     * Writes the messages of {@code envelope} one after another into this formatter's buffer and
     * hands each to {@code out}; returns how many. {@code defaultHostname} is the binding's
     * {@code org.space.app}, used when the envelope's tags name none of the three.
     */
    public int format(Envelope envelope, String defaultHostname, boolean omitTags, Messages out) throws Unformattable {
        String hostname = hostname(envelope, defaultHostname);
        String appName = appName(envelope.getSourceId());
        String[] tagKeys = omitTags ? null : sortedTagKeys(envelope.getTagsMap());
        switch (envelope.getMessageCase()) {
            case LOG -> {
                String procId = logProcessId(envelope);
                begin(logPriority(envelope.getLog().getTypeValue()), envelope.getTimestamp(), hostname, appName, procId);
                if (!tags(envelope, tagKeys)) {
                    buffer.write((byte) '-');
                }
                buffer.write((byte) ' ');
                buffer.payload(envelope.getLog().getPayload());
                out.message(buffer);
                return 1;
            }
            case GAUGE -> {
                String procId = HeaderFields.header("ProcessID", "[" + envelope.getInstanceId() + "]", HeaderFields.MAX_PROCID);
                Map<String, GaugeValue> metrics = envelope.getGauge().getMetricsMap();
                String[] names = metrics.keySet().toArray(String[]::new);
                Arrays.sort(names, SyslogFormatter::compareUtf8);
                for (String name : names) {
                    GaugeValue value = metrics.get(name);
                    begin(14, envelope.getTimestamp(), hostname, appName, procId);
                    buffer.ascii("[gauge@47450 name=\"");
                    buffer.sdValue(name);
                    buffer.ascii("\" value=\"");
                    buffer.ascii(GoFloats.formatG(value.getValue()));
                    buffer.ascii("\" unit=\"");
                    buffer.sdValue(value.getUnit());
                    endMetric(envelope, tagKeys, out);
                }
                return names.length;
            }
            case COUNTER -> {
                beginMetric(envelope, hostname, appName);
                buffer.ascii("[counter@47450 name=\"");
                buffer.sdValue(envelope.getCounter().getName());
                buffer.ascii("\" total=\"");
                buffer.ascii(Long.toUnsignedString(envelope.getCounter().getTotal()));
                buffer.ascii("\" delta=\"");
                buffer.ascii(Long.toUnsignedString(envelope.getCounter().getDelta()));
                endMetric(envelope, tagKeys, out);
                return 1;
            }
            case TIMER -> {
                beginMetric(envelope, hostname, appName);
                buffer.ascii("[timer@47450 name=\"");
                buffer.sdValue(envelope.getTimer().getName());
                buffer.ascii("\" start=\"");
                buffer.number(envelope.getTimer().getStart());
                buffer.ascii("\" stop=\"");
                buffer.number(envelope.getTimer().getStop());
                endMetric(envelope, tagKeys, out);
                return 1;
            }
            case EVENT -> {
                beginMetric(envelope, hostname, appName);
                buffer.ascii("[event@47450 title=\"");
                buffer.sdValue(envelope.getEvent().getTitle());
                buffer.ascii("\" body=\"");
                buffer.sdValue(envelope.getEvent().getBody());
                endMetric(envelope, tagKeys, out);
                return 1;
            }
            default -> {
                return 0;
            }
        }
    }

    private String hostname(Envelope envelope, String defaultHostname) throws Unformattable {
        Map<String, String> tags = envelope.getTagsMap();
        String org = tags.get("organization_name");
        String space = tags.get("space_name");
        String app = tags.get("app_name");
        if (lastHostname == null || !Objects.equals(org, lastOrg) || !Objects.equals(space, lastSpace)
                || !Objects.equals(app, lastApp) || !Objects.equals(defaultHostname, lastDefaultHostname)) {
            lastHostname = HeaderFields.header("Hostname", HeaderFields.hostname(org, space, app, defaultHostname),
                    HeaderFields.MAX_HOSTNAME);
            lastOrg = org;
            lastSpace = space;
            lastApp = app;
            lastDefaultHostname = defaultHostname;
        }
        return lastHostname;
    }

    private String appName(String sourceId) throws Unformattable {
        if (lastAppName == null || !sourceId.equals(lastSourceId)) {
            lastAppName = HeaderFields.header("AppName", sourceId, HeaderFields.MAX_APP_NAME);
            lastSourceId = sourceId;
        }
        return lastAppName;
    }

    private String logProcessId(Envelope envelope) throws Unformattable {
        String sourceType = envelope.getTagsMap().getOrDefault("source_type", "");
        String instance = envelope.getInstanceId();
        if (lastProcId == null || !sourceType.equals(lastSourceType) || !instance.equals(lastInstance)) {
            lastProcId = HeaderFields.header("ProcessID", HeaderFields.logProcessId(sourceType, instance), HeaderFields.MAX_PROCID);
            lastSourceType = sourceType;
            lastInstance = instance;
        }
        return lastProcId;
    }

    private void beginMetric(Envelope envelope, String hostname, String appName) throws Unformattable {
        String procId = HeaderFields.header("ProcessID", "[" + envelope.getInstanceId() + "]", HeaderFields.MAX_PROCID);
        begin(14, envelope.getTimestamp(), hostname, appName, procId);
    }

    /** Closes the metric's SD element, adds the tags element and the metric ending. */
    private void endMetric(Envelope envelope, String[] tagKeys, Messages out) {
        buffer.ascii("\"]");
        tags(envelope, tagKeys);
        buffer.write(METRIC_END);
        out.message(buffer);
    }

    private void begin(int priority, long timestampNanos, String hostname, String appName, String procId) {
        header.begin(priority, timestampNanos, hostname, appName, procId);
    }

    /** The tags SD element; false when there is none (metadata omitted or no tags). */
    private boolean tags(Envelope envelope, String[] keys) {
        if (keys == null || keys.length == 0) {
            return false;
        }
        Map<String, String> tags = envelope.getTagsMap();
        buffer.write((byte) '[');
        buffer.ascii(TAGS_ID);
        for (String key : keys) {
            buffer.write((byte) ' ');
            buffer.ascii(key);
            buffer.ascii("=\"");
            buffer.sdValue(tags.get(key));
            buffer.write((byte) '"');
        }
        buffer.write((byte) ']');
        return true;
    }

    private static String[] sortedTagKeys(Map<String, String> tags) throws Unformattable {
        if (tags.isEmpty()) {
            return null;
        }
        String[] keys = tags.keySet().toArray(String[]::new);
        for (String key : keys) {
            if (!isSdName(key)) {
                throw new Unformattable("StructuredData/Name", key);
            }
        }
        Arrays.sort(keys, SyslogFormatter::compareUtf8);
        return keys;
    }

    /** go-loggregator {@code isValidSdName}: printable US-ASCII but {@code =}, {@code ]} and {@code "}; no length limit. */
    private static boolean isSdName(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 33 || c > 126 || c == '=' || c == ']' || c == '"') {
                return false;
            }
        }
        return true;
    }

    /** PRI of a log by its type's number: 14 for OUT, 11 for ERR, else -1. */
    static int logPriority(int logType) {
        return switch (logType) {
            case Log.Type.OUT_VALUE -> 14;
            case Log.Type.ERR_VALUE -> 11;
            default -> -1;
        };
    }

    /** Go's string order: by UTF-8 bytes, which is code point order. */
    static int compareUtf8(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
