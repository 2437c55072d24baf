package dev.loggregator.wire.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope.EventType;
import org.cloudfoundry.dropsonde.events.LogFactory.LogMessage;
import org.junit.jupiter.api.Test;

class AppOutputTest {
    private static long fromBytes(String instance) {
        byte[] utf8 = instance.getBytes(StandardCharsets.UTF_8);
        byte[] padded = new byte[utf8.length + 4];
        System.arraycopy(utf8, 0, padded, 2, utf8.length);
        return AppOutput.instanceKey(padded, 2, utf8.length);
    }

    @Test
    void instanceIndexesAreTheirOwnKeysAndEverythingElseIsHashedApart() {
        assertEquals(0, fromBytes("0"));
        assertEquals(17, fromBytes("17"));
        assertEquals(999_999_999_999_999_999L, fromBytes("999999999999999999"));
        for (String other : new String[] {"", "00", "07", "1234567890123456789", "a", "cell-z1-0", "ünïcode"}) {
            assertTrue(fromBytes(other) < 0, other + " is hashed (top bit set)");
        }
        assertNotEquals(fromBytes("0"), fromBytes("00"));
        assertNotEquals(fromBytes("a"), fromBytes("b"));
    }

    @Test
    void aStringGivesTheSameKeyAsItsUtf8Bytes() {
        for (String instance : new String[] {"", "0", "5", "42", "00", "07", "1234567890123456789", "guid-like-3f2a",
                "ünïcode", "日本"}) {
            assertEquals(fromBytes(instance), AppOutput.instanceKey(instance), instance);
        }
    }

    @Test
    void onlyTheAppsOwnOutputIsCharged() {
        for (String type : new String[] {"APP/PROC/WEB", "APP/TASK/migrate", "APP"}) {
            byte[] bytes = type.getBytes(StandardCharsets.UTF_8);
            assertTrue(AppOutput.isAppSourceType(bytes, 0, bytes.length), type);
            assertTrue(AppOutput.isAppSourceType(type), type);
        }
        for (String type : new String[] {"RTR", "API", "CELL", "STG", "LGR", "SSH", "AP", "", "app/proc/web"}) {
            byte[] bytes = type.getBytes(StandardCharsets.UTF_8);
            assertFalse(AppOutput.isAppSourceType(bytes, 0, bytes.length), type);
            assertFalse(AppOutput.isAppSourceType(type), type);
        }
    }

    private static Envelope log(String sourceType, String instance, String text) {
        return Envelope.newBuilder().setOrigin("rep").setEventType(EventType.LogMessage)
                .setLogMessage(LogMessage.newBuilder().setMessage(ByteString.copyFromUtf8(text))
                        .setMessageType(LogMessage.MessageType.OUT).setTimestamp(1).setAppId("app")
                        .setSourceType(sourceType).setSourceInstance(instance))
                .build();
    }

    @Test
    void theRoutingScanReadsTheMessageLengthAndInstanceOfAnAppsOwnLogOnly() throws Exception {
        assertEquals(new EnvelopeRouting.Routing("app", EventType.LogMessage, 11, 3),
                EnvelopeRouting.read(log("APP/PROC/WEB", "3", "hello world").toByteArray()));
        assertEquals(new EnvelopeRouting.Routing("app", EventType.LogMessage, 0, AppOutput.instanceKey("web-7")),
                EnvelopeRouting.read(log("APP/PROC/WEB", "web-7", "").toByteArray()));
        assertEquals(new EnvelopeRouting.Routing("app", EventType.LogMessage),
                EnvelopeRouting.read(log("RTR", "0", "GET / 200").toByteArray()), "the router's line about the app");
        // protobuf-java merges a payload sent in two chunks; the later value of a field wins
        ByteArrayOutputStream chunks = new ByteArrayOutputStream();
        log("APP/PROC/WEB", "1", "first").writeTo(chunks);
        Envelope.newBuilder().setOrigin("rep").setEventType(EventType.LogMessage).setLogMessage(LogMessage.newBuilder()
                .setMessage(ByteString.copyFromUtf8("second!")).setMessageType(LogMessage.MessageType.OUT)
                .setTimestamp(2).setSourceInstance("2")).build().writeTo(chunks);
        Envelope merged = Envelope.parseFrom(chunks.toByteArray());
        assertEquals("second!", merged.getLogMessage().getMessage().toStringUtf8());
        assertEquals(new EnvelopeRouting.Routing("app", EventType.LogMessage, 7, 2), EnvelopeRouting.read(chunks.toByteArray()));
    }
}
