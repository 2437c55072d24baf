package dev.loggregator.doppler.drains.format;

import dev.loggregator.wire.routing.V2LogScan;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * The syslog line of a log envelope read by {@link V2LogScan}: the same bytes
 * {@link SyslogFormatter#format(org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope, String, boolean,
 * SyslogFormatter.Messages)} writes for its parse, written from the envelope's own bytes (tag values
 * and payload copied, escaped where needed, never decoded). The header fields of the last envelope
 * are kept by the bytes they were made from: a drain's envelopes mostly come from a few instances
 * of one app.
 */
final class V2LogLine {
    private static final byte[] ORGANIZATION_NAME = bytes("organization_name");
    private static final byte[] SPACE_NAME = bytes("space_name");
    private static final byte[] APP_NAME = bytes("app_name");
    private static final byte[] SOURCE_TYPE = bytes("source_type");
    private static final byte[] TAGS_START = bytes("[tags@47450");
    private static final byte[] VALUE_START = bytes("=\"");

    private final Rfc5424Header header;
    private byte[] lastOrg;
    private byte[] lastSpace;
    private byte[] lastApp;
    private String lastDefaultHostname;
    private String lastHostname;
    private byte[] lastSourceId;
    private String lastAppName;
    private byte[] lastSourceType;
    private byte[] lastInstance;
    private String lastProcId;
    /*
     * The header's fields as bytes, made when one of the three (the cached strings above, compared by
     * identity) changes: written with one copy instead of character by character.
     */
    private String fieldsHostname;
    private String fieldsAppName;
    private String fieldsProcId;
    private byte[] fields;
    /*
     * What was made of the tags of the scans of one tags generation (V2LogScan#tagsGeneration: the same tag
     * bytes): the hostname (with lastDefaultHostname), the PROCID's source type, the SD block
     * "[tags@47450 ...]" as written. An envelope repeating the last one's tags skips reading them again.
     */
    private long hostnameGeneration = -1;
    private long sourceTypeGeneration = -1;
    private long sdGeneration = -1;
    private byte[] sd;

    V2LogLine(Rfc5424Header header) {
        this.header = header;
    }

    int format(V2LogScan log, String defaultHostname, boolean omitTags, SyslogFormatter.Messages out)
            throws SyslogFormatter.Unformattable {
        String hostname = hostname(log, defaultHostname);
        String appName = appName(log);
        long generation = log.tagsGeneration();
        boolean sameSd = !omitTags && generation == sdGeneration;
        int[] order = sameSd ? null : log.keyOrder();
        int tags = omitTags ? 0 : sameSd ? log.tagCount() : checkedTags(log, order);
        String procId = procId(log);
        if (hostname != fieldsHostname || appName != fieldsAppName || procId != fieldsProcId) {
            fields = Rfc5424Header.fields(hostname, appName, procId);
            fieldsHostname = hostname;
            fieldsAppName = appName;
            fieldsProcId = procId;
        }
        MessageBuffer buffer = header.begin(SyslogFormatter.logPriority(log.logType()), log.timestamp(), fields);
        if (tags == 0) {
            buffer.write((byte) '-');
        } else if (sameSd) {
            buffer.write(sd);
        } else {
            int start = buffer.length();
            buffer.write(TAGS_START);
            byte[] bytes = log.bytes();
            for (int i = 0; i < tags; i++) {
                int tag = order[i];
                buffer.write((byte) ' ');
                buffer.write(bytes, log.tagKeyOffset(tag), log.tagKeyLength(tag));
                buffer.write(VALUE_START);
                buffer.sdValue(bytes, log.tagValueOffset(tag), log.tagValueLength(tag));
                buffer.write((byte) '"');
            }
            buffer.write((byte) ']');
            sd = Arrays.copyOfRange(buffer.array(), start, buffer.length());
            sdGeneration = generation;
        }
        buffer.write((byte) ' ');
        buffer.payload(log.bytes(), log.payloadOffset(), log.payloadLength());
        out.message(buffer);
        return 1;
    }

    private String hostname(V2LogScan log, String defaultHostname) throws SyslogFormatter.Unformattable {
        if (log.tagsGeneration() == hostnameGeneration && Objects.equals(defaultHostname, lastDefaultHostname)) {
            return lastHostname;
        }
        int org = log.find(ORGANIZATION_NAME);
        int space = log.find(SPACE_NAME);
        int app = log.find(APP_NAME);
        if (lastHostname == null || !same(log, org, lastOrg) || !same(log, space, lastSpace) || !same(log, app, lastApp)
                || !Objects.equals(defaultHostname, lastDefaultHostname)) {
            byte[] orgBytes = value(log, org);
            byte[] spaceBytes = value(log, space);
            byte[] appBytes = value(log, app);
            lastHostname = HeaderFields.header("Hostname",
                    HeaderFields.hostname(text(orgBytes), text(spaceBytes), text(appBytes), defaultHostname),
                    HeaderFields.MAX_HOSTNAME);
            lastOrg = orgBytes;
            lastSpace = spaceBytes;
            lastApp = appBytes;
            lastDefaultHostname = defaultHostname;
        }
        hostnameGeneration = log.tagsGeneration();
        return lastHostname;
    }

    private String appName(V2LogScan log) throws SyslogFormatter.Unformattable {
        byte[] bytes = log.bytes();
        int start = log.sourceIdOffset();
        if (lastAppName == null || !same(bytes, start, log.sourceIdLength(), lastSourceId)) {
            byte[] sourceId = Arrays.copyOfRange(bytes, start, start + log.sourceIdLength());
            lastAppName = HeaderFields.header("AppName", text(sourceId), HeaderFields.MAX_APP_NAME);
            lastSourceId = sourceId;
        }
        return lastAppName;
    }

    /** PROCID from the {@code source_type} tag (empty when missing) and the instance id. */
    private String procId(V2LogScan log) throws SyslogFormatter.Unformattable {
        byte[] bytes = log.bytes();
        int instanceStart = log.instanceIdOffset();
        int instanceLength = log.instanceIdLength();
        if (log.tagsGeneration() == sourceTypeGeneration && same(bytes, instanceStart, instanceLength, lastInstance)) {
            return lastProcId;
        }
        int tag = log.find(SOURCE_TYPE);
        int typeStart = tag < 0 ? 0 : log.tagValueOffset(tag);
        int typeLength = tag < 0 ? 0 : log.tagValueLength(tag);
        if (lastProcId == null || !same(bytes, typeStart, typeLength, lastSourceType)
                || !same(bytes, instanceStart, instanceLength, lastInstance)) {
            byte[] type = Arrays.copyOfRange(bytes, typeStart, typeStart + typeLength);
            byte[] instance = Arrays.copyOfRange(bytes, instanceStart, instanceStart + instanceLength);
            lastProcId = HeaderFields.header("ProcessID", HeaderFields.logProcessId(text(type), text(instance)),
                    HeaderFields.MAX_PROCID);
            lastSourceType = type;
            lastInstance = instance;
        }
        sourceTypeGeneration = log.tagsGeneration();
        return lastProcId;
    }

    /**
     * How many tags (in key {@code order}), their names checked as the marshaller checks SD names
     * (printable US-ASCII but {@code =}, {@code ]} and {@code "}).
     */
    private static int checkedTags(V2LogScan log, int[] order) throws SyslogFormatter.Unformattable {
        int tags = log.tagCount();
        byte[] bytes = log.bytes();
        for (int i = 0; i < tags; i++) {
            int tag = order[i];
            int start = log.tagKeyOffset(tag);
            int end = start + log.tagKeyLength(tag);
            for (int j = start; j < end; j++) {
                int b = bytes[j] & 0xFF;
                if (b < 33 || b > 126 || b == '=' || b == ']' || b == '"') {
                    throw new SyslogFormatter.Unformattable("StructuredData/Name",
                            new String(bytes, start, end - start, StandardCharsets.UTF_8));
                }
            }
        }
        return tags;
    }

    /** True when tag {@code tag}'s value (or its absence, -1) is what {@code cached} holds (null: absent). */
    private static boolean same(V2LogScan log, int tag, byte[] cached) {
        if (tag < 0) {
            return cached == null;
        }
        return same(log.bytes(), log.tagValueOffset(tag), log.tagValueLength(tag), cached);
    }

    private static boolean same(byte[] bytes, int start, int length, byte[] cached) {
        return cached != null && Arrays.equals(bytes, start, start + length, cached, 0, cached.length);
    }

    private static byte[] value(V2LogScan log, int tag) {
        return tag < 0 ? null : Arrays.copyOfRange(log.bytes(), log.tagValueOffset(tag), log.tagValueOffset(tag) + log.tagValueLength(tag));
    }

    private static String text(byte[] utf8) {
        return utf8 == null ? null : new String(utf8, StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String ascii) {
        return ascii.getBytes(StandardCharsets.US_ASCII);
    }
}
