package dev.loggregator.cli.format;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import org.cloudfoundry.dropsonde.events.LogFactory.LogMessage;
import org.junit.jupiter.api.Test;

class LogLineFormatterTest {
    private static final ZoneId PACIFIC = ZoneId.of("America/Los_Angeles");
    /** 2017-06-22T14:41:58.849123456-07:00, the cf CLI documentation's example instant (plus sub-centisecond digits). */
    private static final long NANOS = ZonedDateTime.of(2017, 6, 22, 14, 41, 58, 849_123_456, PACIFIC).toInstant().getEpochSecond()
            * 1_000_000_000L + 849_123_456L;

    private static LogMessage log(String text, LogMessage.MessageType type, String source, String instance) {
        return LogMessage.newBuilder().setMessage(ByteString.copyFromUtf8(text)).setMessageType(type)
                .setTimestamp(NANOS).setAppId("app").setSourceType(source).setSourceInstance(instance).build();
    }

    @Test
    void formatsLikeTheCfCli() {
        List<String> lines = new LogLineFormatter(PACIFIC, false).lines(log("hello world", LogMessage.MessageType.OUT, "APP/PROC/WEB", "0"));
        assertEquals(List.of("   2017-06-22T14:41:58.84-0700 [APP/PROC/WEB/0] OUT hello world"), lines);
    }

    @Test
    void usesTheLocalZoneWithAnOffsetWithoutColon() {
        assertEquals("2017-06-22T21:41:58.84+0000", new LogLineFormatter(ZoneId.of("UTC"), false).timestamp(NANOS));
        assertEquals("2017-06-23T03:11:58.84+0530", new LogLineFormatter(ZoneId.of("Asia/Kolkata"), false).timestamp(NANOS));
    }

    @Test
    void truncatesToHundredthsAsGoDoes() {
        assertEquals("1970-01-01T00:00:00.99+0000", new LogLineFormatter(ZoneId.of("UTC"), false).timestamp(999_999_999L));
        assertEquals("1970-01-01T00:00:01.00+0000", new LogLineFormatter(ZoneId.of("UTC"), false).timestamp(1_000_000_000L));
    }

    @Test
    void repeatsTheHeaderOnEveryLineOfAMultiLineMessage() {
        List<String> lines = new LogLineFormatter(PACIFIC, false)
                .lines(log("Exception in thread main\r\n\tat A.b(A.java:1)\n\tat C.d(C.java:2)\n", LogMessage.MessageType.ERR, "APP/PROC/WEB", "1"));
        assertEquals(List.of(
                "   2017-06-22T14:41:58.84-0700 [APP/PROC/WEB/1] ERR Exception in thread main",
                "   2017-06-22T14:41:58.84-0700 [APP/PROC/WEB/1] ERR \tat A.b(A.java:1)",
                "   2017-06-22T14:41:58.84-0700 [APP/PROC/WEB/1] ERR \tat C.d(C.java:2)"), lines);
    }

    @Test
    void keepsEmptyLinesInsideAMessage() {
        List<String> lines = new LogLineFormatter(PACIFIC, false).lines(log("a\n\nb", LogMessage.MessageType.OUT, "RTR", "0"));
        assertEquals(3, lines.size());
        assertEquals("   2017-06-22T14:41:58.84-0700 [RTR/0] OUT ", lines.get(1));
    }

    @Test
    void showsAnEmptyInstanceAsTheCfCliDoes() {
        assertEquals(List.of("   2017-06-22T14:41:58.84-0700 [API/] OUT Updated app"),
                new LogLineFormatter(PACIFIC, false).lines(log("Updated app", LogMessage.MessageType.OUT, "API", "")));
    }

    @Test
    void coloursOnlyErrLinesRedWhenColourIsOn() {
        LogLineFormatter colour = new LogLineFormatter(PACIFIC, true);
        assertEquals(List.of("   \u001b[31m2017-06-22T14:41:58.84-0700 [APP/PROC/WEB/0] ERR boom\u001b[0m"),
                colour.lines(log("boom", LogMessage.MessageType.ERR, "APP/PROC/WEB", "0")));
        assertEquals(List.of("   2017-06-22T14:41:58.84-0700 [APP/PROC/WEB/0] OUT fine"),
                colour.lines(log("fine", LogMessage.MessageType.OUT, "APP/PROC/WEB", "0")));
        assertEquals(List.of("   2017-06-22T14:41:58.84-0700 [APP/PROC/WEB/0] ERR boom"),
                new LogLineFormatter(PACIFIC, false).lines(log("boom", LogMessage.MessageType.ERR, "APP/PROC/WEB", "0")));
    }

    @Test
    void cf8PrintsEveryPieceOfTheMessageAsCfCliV7Does() {
        LogLineFormatter cf8 = new LogLineFormatter(PACIFIC, false, LineStyle.cf8, false);
        assertEquals(List.of(
                "   2017-06-22T14:41:58.84-0700 [APP/PROC/WEB/0] OUT first",
                "   2017-06-22T14:41:58.84-0700 [APP/PROC/WEB/0] OUT second",
                "   2017-06-22T14:41:58.84-0700 [APP/PROC/WEB/0] OUT "),
                cf8.lines(log("first\r\nsecond\n", LogMessage.MessageType.OUT, "APP/PROC/WEB", "0")),
                "strings.Split on \\n keeps the empty last piece; TrimRight takes the \\r");
        assertEquals(List.of("   2017-06-22T14:41:58.84-0700 [RTR/] OUT "),
                cf8.lines(log("", LogMessage.MessageType.OUT, "RTR", "")));
        assertEquals(List.of("   2017-06-22T14:41:58.84-0700 [APP/PROC/WEB/0] OUT first",
                        "   2017-06-22T14:41:58.84-0700 [APP/PROC/WEB/0] OUT second"),
                new LogLineFormatter(PACIFIC, false).lines(log("first\r\nsecond\n", LogMessage.MessageType.OUT, "APP/PROC/WEB", "0")),
                "the default cf6 style is unchanged");
    }

    @Test
    void timestampsPrefixEveryLineWithTheFullUtcTime() {
        LogLineFormatter stamped = new LogLineFormatter(PACIFIC, true, LineStyle.cf6, true);
        assertEquals(List.of(
                "2017-06-22T21:41:58.849123456Z   \u001b[31m2017-06-22T14:41:58.84-0700 [APP/PROC/WEB/0] ERR a\u001b[0m",
                "2017-06-22T21:41:58.849123456Z   \u001b[31m2017-06-22T14:41:58.84-0700 [APP/PROC/WEB/0] ERR b\u001b[0m"),
                stamped.lines(log("a\nb", LogMessage.MessageType.ERR, "APP/PROC/WEB", "0")));
    }
}
