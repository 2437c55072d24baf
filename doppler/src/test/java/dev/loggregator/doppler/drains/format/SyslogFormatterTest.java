package dev.loggregator.doppler.drains.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Counter;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Event;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Gauge;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.GaugeValue;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Log;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Timer;
import org.junit.jupiter.api.Test;

/**
 * Golden lines: what the syslog agent writes for each kind of envelope (rfc5424.go with
 * go-loggregator's marshaller), byte for byte.
 */
class SyslogFormatterTest {
    private static final String APP = "6b1c6f53-6d3c-4c2a-9a43-bd2ab5f1b9e2";
    /** 2026-08-20T12:03:07.123456789Z */
    private static final long TIME = 1_787_227_387_123_456_789L;

    /**
     * The lines of the parsed envelope, checked against the lines the formatter writes from its bytes
     * (the drains' path for what arrived as v2): the same lines, or both refuse the envelope.
     */
    private static List<String> format(Envelope envelope, String hostname, boolean omitTags) throws Exception {
        return format(new SyslogFormatter(), new SyslogFormatter(), envelope.toByteArray(), hostname, omitTags);
    }

    private static List<String> format(SyslogFormatter forParsed, SyslogFormatter forBytes, byte[] envelope, String hostname,
                                       boolean omitTags) throws Exception {
        List<String> fromBytes = new ArrayList<>();
        SyslogFormatter.Unformattable refusedBytes = null;
        try {
            forBytes.format(envelope, hostname, omitTags, buffer -> fromBytes.add(text(buffer)));
        } catch (SyslogFormatter.Unformattable e) {
            refusedBytes = e;
        }
        List<String> lines = new ArrayList<>();
        try {
            forParsed.format(Envelope.parseFrom(envelope), hostname, omitTags, buffer -> lines.add(text(buffer)));
        } catch (SyslogFormatter.Unformattable e) {
            assertEquals(e.getMessage(), refusedBytes == null ? "written from bytes: " + fromBytes : refusedBytes.getMessage());
            throw e;
        }
        assertNull(refusedBytes, () -> "refused from bytes: " + fromBytes);
        assertEquals(lines, fromBytes, "written from bytes");
        return lines;
    }

    private static String text(MessageBuffer buffer) {
        return new String(buffer.array(), 0, buffer.length(), StandardCharsets.UTF_8);
    }

    private static String one(Envelope envelope) throws Exception {
        List<String> lines = format(envelope, "my-org.dev.web", false);
        assertEquals(1, lines.size(), lines.toString());
        return lines.get(0);
    }

    private static Envelope.Builder appLog(String text, Log.Type type) {
        return Envelope.newBuilder()
                .setTimestamp(TIME)
                .setSourceId(APP)
                .setInstanceId("0")
                .putTags("source_type", "APP/PROC/WEB")
                .setLog(Log.newBuilder().setPayload(ByteString.copyFromUtf8(text)).setType(type));
    }

    @Test
    void appLogAsCloudFoundrysAgentWritesIt() throws Exception {
        Envelope envelope = appLog("Listening on 8080", Log.Type.OUT)
                .putTags("app_id", APP).putTags("app_name", "web").putTags("instance_id", "0")
                .putTags("organization_name", "my-org").putTags("space_name", "dev")
                .build();
        assertEquals("<14>1 2026-08-20T12:03:07.123456+00:00 my-org.dev.web " + APP + " [APP/PROC/WEB/0] - "
                + "[tags@47450 app_id=\"" + APP + "\" app_name=\"web\" instance_id=\"0\" organization_name=\"my-org\""
                + " source_type=\"APP/PROC/WEB\" space_name=\"dev\"] Listening on 8080\n", one(envelope));
    }

    @Test
    void errIsPriority11AndAnUnknownTypeMinusOne() throws Exception {
        assertEquals("<11>1 2026-08-20T12:03:07.123456+00:00 binding.host.name " + APP
                        + " [APP/PROC/WEB/0] - [tags@47450 source_type=\"APP/PROC/WEB\"] boom\n",
                format(appLog("boom", Log.Type.ERR).build(), "binding.host.name", false).get(0));
        Envelope unknown = appLog("odd", Log.Type.OUT).setLog(Log.newBuilder()
                .setPayload(ByteString.copyFromUtf8("odd")).setTypeValue(20)).build();
        assertEquals("<-1>1 2026-08-20T12:03:07.123456+00:00 h " + APP
                + " [APP/PROC/WEB/0] - [tags@47450 source_type=\"APP/PROC/WEB\"] odd\n", format(unknown, "h", false).get(0));
    }

    @Test
    void timestampIsUtcMicrosecondsWithTrailingZerosTrimmed() throws Exception {
        assertEquals("<14>1 1970-01-01T00:00:00.012345+00:00 h app [T/1] - - x\n",
                format(log(12_345_678L), "h", true).get(0));
        assertEquals("<14>1 2026-08-20T12:03:07.12+00:00 h app [T/1] - - x\n",
                format(log(1_787_227_387_120_000_999L), "h", true).get(0));
        assertEquals("<14>1 2026-08-20T12:03:07+00:00 h app [T/1] - - x\n",
                format(log(1_787_227_387_000_000_999L), "h", true).get(0));
        assertEquals("<14>1 1969-12-31T23:59:59.9+00:00 h app [T/1] - - x\n",
                format(log(-100_000_000L), "h", true).get(0));
    }

    private static Envelope log(long timestamp) {
        return Envelope.newBuilder().setTimestamp(timestamp).setSourceId("app").setInstanceId("1")
                .putTags("source_type", "t")
                .setLog(Log.newBuilder().setPayload(ByteString.copyFromUtf8("x"))).build();
    }

    @Test
    void tagValuesAreEscapedAndKeysSortedByBytes() throws Exception {
        Envelope envelope = appLog("just a test", Log.Type.OUT)
                .putTags("log-tag", "\"]\\").putTags("Zed", "upper first").putTags("é", "after ascii")
                .build();
        assertEquals("<14>1 2026-08-20T12:03:07.123456+00:00 h " + APP + " [APP/PROC/WEB/0] - [tags@47450 Zed=\"upper first\""
                        + " log-tag=\"\\\"\\]\\\\\" source_type=\"APP/PROC/WEB\"]",
                format(envelope.toBuilder().removeTags("é").build(), "h", false).get(0).split(" just")[0]);
        assertThrows(SyslogFormatter.Unformattable.class, () -> format(envelope, "h", false),
                "a tag name outside printable ASCII is no SD name: the agent writes nothing");
    }

    @Test
    void metadataCanBeOmitted() throws Exception {
        Envelope envelope = appLog("quiet", Log.Type.OUT).putTags("log-tag", "oyster").build();
        assertEquals("<14>1 2026-08-20T12:03:07.123456+00:00 h " + APP + " [APP/PROC/WEB/0] - - quiet\n",
                format(envelope, "h", true).get(0));
    }

    @Test
    void hostnameFromTagsIsSanitisedAndTheBindingsIsTheFallback() throws Exception {
        Envelope envelope = appLog("x", Log.Type.OUT)
                .putTags("organization_name", "some_org").putTags("space_name", "some  space")
                .putTags("app_name", "my app ünï--").build();
        assertEquals("someorg.some-space.my-app-n", one(envelope).split(" ")[2]);
        Envelope onlyApp = appLog("x", Log.Type.OUT).putTags("app_name", "web").build();
        assertEquals("..web", one(onlyApp).split(" ")[2]);
        Envelope none = appLog("x", Log.Type.OUT).build();
        assertEquals("-", format(none, "", true).get(0).split(" ")[2]);
        Envelope longNames = appLog("x", Log.Type.OUT).putTags("organization_name", "a".repeat(100))
                .putTags("space_name", "b".repeat(100)).putTags("app_name", "c".repeat(100)).build();
        assertEquals("a".repeat(63) + "." + "b".repeat(63) + "." + "c".repeat(63), one(longNames).split(" ")[2]);
        assertEquals("A".repeat(255), format(none, "A".repeat(300), true).get(0).split(" ")[2]);
        assertThrows(SyslogFormatter.Unformattable.class, () -> format(none, "bad host", true));
    }

    @Test
    void appNameAndProcIdAreCutAndChecked() throws Exception {
        Envelope longSource = appLog("x", Log.Type.OUT).setSourceId("A".repeat(300)).build();
        assertEquals("A".repeat(48), format(longSource, "h", true).get(0).split(" ")[3]);
        Envelope emptySource = appLog("x", Log.Type.OUT).setSourceId("").build();
        assertEquals("-", format(emptySource, "h", true).get(0).split(" ")[3]);
        Envelope longInstance = appLog("x", Log.Type.OUT).putTags("source_type", "MY TASK")
                .setInstanceId("A".repeat(300)).build();
        assertEquals("[MY-TASK/" + "A".repeat(118) + "]", format(longInstance, "h", true).get(0).split(" ")[4]);
        Envelope unicodeType = appLog("x", Log.Type.OUT).putTags("source_type", "task/こんにちは \t").setInstanceId("2").build();
        assertEquals("[TASK//2]", format(unicodeType, "h", true).get(0).split(" ")[4]);
        Envelope noInstance = appLog("x", Log.Type.OUT).putTags("source_type", "rtr").setInstanceId("").build();
        assertEquals("[RTR]", format(noInstance, "h", true).get(0).split(" ")[4]);
        Envelope spacedSource = appLog("x", Log.Type.OUT).setSourceId("   ").build();
        assertThrows(SyslogFormatter.Unformattable.class, () -> format(spacedSource, "h", true));
    }

    @Test
    void payloadLosesNulBytesAndEndsInOneNewline() throws Exception {
        Envelope withNul = appLog("", Log.Type.OUT).setLog(Log.newBuilder()
                .setPayload(ByteString.copyFrom(new byte[] {'a', 0, 'b', 0}))).build();
        assertEquals(" ab\n", tail(format(withNul, "h", true).get(0)));
        assertEquals(" line\n", tail(format(appLog("line\n", Log.Type.OUT).build(), "h", true).get(0)));
        assertEquals(" \n", tail(format(appLog("", Log.Type.OUT).build(), "h", true).get(0)));
        assertEquals(" two\nlines\n", tail(format(appLog("two\nlines", Log.Type.OUT).build(), "h", true).get(0)));
    }

    /** The line after the NILVALUE structured data "- -" (MSGID, SD) of a line without metadata. */
    private static String tail(String line) {
        return line.substring(line.indexOf(" - -") + 4);
    }

    @Test
    void gaugeIsOneMessagePerMetricInNameOrder() throws Exception {
        Envelope gauge = Envelope.newBuilder().setTimestamp(TIME).setSourceId(APP).setInstanceId("1")
                .putTags("origin", "rep")
                .setGauge(Gauge.newBuilder()
                        .putMetrics("memory", GaugeValue.newBuilder().setUnit("bytes").setValue(5423).build())
                        .putMetrics("cpu", GaugeValue.newBuilder().setUnit("percentage").setValue(0.23).build())
                        .putMetrics("disk_quota", GaugeValue.newBuilder().setUnit("bytes").setValue(1073741824).build()))
                .build();
        String head = "<14>1 2026-08-20T12:03:07.123456+00:00 my-org.dev.web " + APP + " [1] - ";
        assertEquals(List.of(
                head + "[gauge@47450 name=\"cpu\" value=\"0.23\" unit=\"percentage\"][tags@47450 origin=\"rep\"] \n",
                head + "[gauge@47450 name=\"disk_quota\" value=\"1.073741824e+09\" unit=\"bytes\"][tags@47450 origin=\"rep\"] \n",
                head + "[gauge@47450 name=\"memory\" value=\"5423\" unit=\"bytes\"][tags@47450 origin=\"rep\"] \n"),
                format(gauge, "my-org.dev.web", false));
    }

    @Test
    void counterTimerAndEvent() throws Exception {
        String head = "<14>1 2026-08-20T12:03:07.123456+00:00 h " + APP + " [3] - ";
        Envelope counter = Envelope.newBuilder().setTimestamp(TIME).setSourceId(APP).setInstanceId("3")
                .setCounter(Counter.newBuilder().setName("requests").setDelta(1).setTotal(-1L)).build();
        assertEquals(List.of(head + "[counter@47450 name=\"requests\" total=\"18446744073709551615\" delta=\"1\"] \n"),
                format(counter, "h", false));
        Envelope timer = Envelope.newBuilder().setTimestamp(TIME).setSourceId(APP).setInstanceId("3")
                .putTags("peer_type", "Client")
                .setTimer(Timer.newBuilder().setName("http").setStart(1_787_227_387_000_000_000L).setStop(1_787_227_387_000_500_000L))
                .build();
        assertEquals(List.of(head + "[timer@47450 name=\"http\" start=\"1787227387000000000\" stop=\"1787227387000500000\"]"
                + "[tags@47450 peer_type=\"Client\"] \n"), format(timer, "h", false));
        Envelope event = Envelope.newBuilder().setTimestamp(TIME).setSourceId(APP).setInstanceId("")
                .setEvent(Event.newBuilder().setTitle("app crashed").setBody("exit \"status\" 1 [oom]")).build();
        assertEquals(List.of("<14>1 2026-08-20T12:03:07.123456+00:00 h " + APP
                + " [] - [event@47450 title=\"app crashed\" body=\"exit \\\"status\\\" 1 [oom\\]\"] \n"), format(event, "h", true));
    }

    @Test
    void envelopeWithoutMessageHasNoLines() throws Exception {
        assertEquals(List.of(), format(Envelope.newBuilder().setSourceId(APP).build(), "h", false));
    }

    @Test
    void bytesAsProtobufMergesThem() throws Exception {
        Envelope first = appLog("first", Log.Type.OUT).putTags("app_name", "one").putTags("zone", "a")
                .putDeprecatedTags("old", org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Value.newBuilder().setText("v").build())
                .build();
        Envelope second = Envelope.newBuilder().setSourceId("other-source").setInstanceId("7").putTags("app_name", "two")
                .build();
        // a tag given twice: the last wins; so do source and instance ids given twice
        assertEquals("<14>1 2026-08-20T12:03:07.123456+00:00 ..two other-source [APP/PROC/WEB/7] - [tags@47450 app_name=\"two\""
                + " source_type=\"APP/PROC/WEB\" zone=\"a\"] first\n", formatBytes(concat(first, second)));
        // a log given twice is merged (read by the parse)
        Envelope errOnly = Envelope.newBuilder().setLog(Log.newBuilder().setType(Log.Type.ERR)).build();
        assertEquals("<11>", formatBytes(concat(first, errOnly)).substring(0, 4));
        // unknown fields are skipped
        byte[] unknown = {(byte) 0x98, 0x06, 0x01, (byte) 0xA2, 0x06, 0x01, 'x', (byte) 0xA9, 0x06, 1, 2, 3, 4, 5, 6, 7, 8};
        assertEquals(formatBytes(first.toByteArray()), formatBytes(concat(first.toByteArray(), unknown)));
        // a counter after the log wins the oneof
        Envelope counter = Envelope.newBuilder().setCounter(Counter.newBuilder().setName("c").setDelta(1)).build();
        assertEquals(true, formatBytes(concat(first, counter)).contains("[counter@47450 name=\"c\""));
    }

    @Test
    void sameLinesFromBytesAsFromTheParseEnvelopeAfterEnvelope() throws Exception {
        java.util.Random random = new java.util.Random(17);
        String[] values = {"", "web", "my app ünï--", "a\"b]c\\d", "APP/PROC/WEB", "こんにちは", "x y\tz", "0", "12"};
        String[] keys = {"app_name", "organization_name", "space_name", "source_type", "instance_id", "zone", "Zed", "log-tag"};
        SyslogFormatter forParsed = new SyslogFormatter();
        SyslogFormatter forBytes = new SyslogFormatter();
        for (int i = 0; i < 3000; i++) {
            Envelope.Builder envelope = Envelope.newBuilder()
                    .setTimestamp(TIME + random.nextInt(4) * 1_000_000_000L + random.nextInt(1_000_000_000))
                    .setSourceId(random.nextInt(8) == 0 ? "" : APP.substring(random.nextInt(3)))
                    .setInstanceId(values[random.nextInt(values.length)].replace(" ", "").replace("\t", ""));
            for (int t = random.nextInt(keys.length); t > 0; t--) {
                envelope.putTags(keys[random.nextInt(keys.length)], values[random.nextInt(values.length)]);
            }
            byte[] payload = new byte[random.nextInt(40)];
            random.nextBytes(payload);
            envelope.setLog(Log.newBuilder().setPayload(ByteString.copyFrom(payload)).setTypeValue(random.nextInt(3)));
            try {
                format(forParsed, forBytes, envelope.build().toByteArray(), random.nextBoolean() ? "my-org.dev.web" : "h",
                        random.nextInt(4) == 0);
            } catch (SyslogFormatter.Unformattable e) {
                // both refused it (checked)
            }
        }
    }

    /**
     * A drain's envelopes mostly repeat the last one's tags, which the formatter then takes as it made them
     * last time: the lines must still be the parse's, whatever changes from one envelope to the next (tags,
     * their place among the other fields, the instance, the binding's hostname, the metadata option).
     */
    @Test
    void sameLinesFromBytesAsFromTheParseWhenEnvelopesRepeatTheirTags() throws Exception {
        java.util.Random random = new java.util.Random(29);
        List<Map<String, String>> tagSets = List.of(
                Map.of("source_type", "APP/PROC/WEB", "origin", "rep", "deployment", "cf", "index", "0"),
                Map.of("source_type", "APP/PROC/WEB", "origin", "rep", "deployment", "cf", "index", "1"),
                Map.of("organization_name", "my-org", "space_name", "dev", "app_name", "web", "source_type", "RTR"),
                Map.of("organization_name", "my-org", "space_name", "dev", "app_name", "api", "zone", "a\"b]c"),
                Map.of("source_type", "STG"),
                Map.of("bad key", "x"),
                Map.of("__v1_type", "Error"),
                Map.of());
        SyslogFormatter forParsed = new SyslogFormatter();
        SyslogFormatter forBytes = new SyslogFormatter();
        Map<String, String> tags = tagSets.get(0);
        for (int i = 0; i < 5000; i++) {
            if (random.nextInt(10) == 0) {
                tags = tagSets.get(random.nextInt(tagSets.size()));
            }
            Envelope head = Envelope.newBuilder()
                    .setTimestamp(TIME + random.nextInt(1_000_000_000))
                    .setSourceId(random.nextInt(20) == 0 ? "other-app" : APP)
                    .setInstanceId(random.nextInt(10) == 0 ? "1" : "0")
                    .setLog(Log.newBuilder().setPayload(ByteString.copyFromUtf8("line " + i)).setTypeValue(random.nextInt(2)))
                    .build();
            Envelope tagged = Envelope.newBuilder().putAllTags(tags).build();
            byte[] envelope = switch (random.nextInt(12)) {
                case 0 -> concat(tagged, head); // tags before the other fields
                case 1 -> concat(concat(head, tagged), Envelope.newBuilder().setInstanceId("2").build().toByteArray());
                case 2 -> concat(concat(head, tagged), Envelope.newBuilder().putTags("index", "9").build().toByteArray());
                default -> concat(head, tagged); // as every sender marshals it: the tags last
            };
            try {
                format(forParsed, forBytes, envelope, random.nextInt(8) == 0 ? "h" : "my-org.dev.web", random.nextInt(8) == 0);
            } catch (SyslogFormatter.Unformattable e) {
                // both refused it (checked)
            }
        }
    }

    private static String formatBytes(byte[] envelope) throws Exception {
        List<String> lines = format(new SyslogFormatter(), new SyslogFormatter(), envelope, "h", false);
        assertEquals(1, lines.size(), lines.toString());
        return lines.get(0);
    }

    private static byte[] concat(Envelope first, Envelope second) {
        return concat(first.toByteArray(), second.toByteArray());
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = java.util.Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    @Test
    void drainUrlOptionsAsTheAgentReadsThem() {
        assertEquals(new DrainOptions(DrainData.LOGS, false, false), DrainOptions.parse(null, true));
        assertEquals(DrainData.LOGS_NO_EVENTS, DrainOptions.parse("drain-type=logs", true).data());
        assertEquals(DrainData.METRICS, DrainOptions.parse("drain-type=metrics", true).data());
        assertEquals(DrainData.LOGS_AND_METRICS, DrainOptions.parse("drain-type=all", true).data());
        assertEquals(DrainData.TRACES, DrainOptions.parse("drain-type=all&drain-data=traces", true).data());
        assertEquals(DrainData.ALL, DrainOptions.parse("drain-data=all", true).data());
        assertEquals(DrainData.ALL, DrainOptions.parse("drain-type=logs&include-metrics-deprecated=1", true).data());
        assertEquals(true, DrainOptions.parse("disable-metadata=true", true).omitMetadata());
        assertEquals(true, DrainOptions.parse("omit-metadata=true", true).omitMetadata());
        assertEquals(false, DrainOptions.parse("omit-metadata=false", false).omitMetadata());
        assertEquals(true, DrainOptions.parse("", false).omitMetadata());
        assertEquals(true, DrainOptions.parse("ssl-strict-internal=true", true).internalTls());
    }
}
