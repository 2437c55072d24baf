package dev.loggregator.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.loggregator.wire.uuid.V1Uuids;
import java.util.UUID;
import org.cloudfoundry.dropsonde.events.UuidFactory;
import org.junit.jupiter.api.Test;

class V1UuidsTest {
    @Test
    void matchesTheWorkedExampleOfTheProtoBothWays() {
        UuidFactory.UUID v1 = V1Uuids.toV1("f47ac10b-58cc-4372-a567-0e02b2c3d479");
        assertEquals(0x7243cc580bc17af4L, v1.getLow());
        assertEquals(0x79d4c3b2020e67a5L, v1.getHigh());
        assertEquals("f47ac10b-58cc-4372-a567-0e02b2c3d479", V1Uuids.format(v1));
    }

    @Test
    void roundTripsRandomUuids() {
        for (int i = 0; i < 100; i++) {
            String text = UUID.randomUUID().toString();
            assertEquals(text, V1Uuids.format(V1Uuids.toV1(text)));
        }
    }

    @Test
    void rejectsText() {
        assertThrows(IllegalArgumentException.class, () -> V1Uuids.toV1("not-a-uuid"));
        // forms java.util.UUID.fromString would take
        for (String lenient : new String[] {"1-2-3-4-5", "+47ac10b-58cc-4372-a567-0e02b2c3d479",
                "f47ac10b-58cc-4372-a567-0e02b2c3d47", "f47ac10b58cc-4372-a567-0e02b2c3d4799", ""}) {
            assertThrows(IllegalArgumentException.class, () -> V1Uuids.toV1(lenient), lenient);
        }
    }

    @Test
    void acceptsUpperCaseHex() {
        assertEquals("f47ac10b-58cc-4372-a567-0e02b2c3d479",
                V1Uuids.format(V1Uuids.toV1("F47AC10B-58CC-4372-A567-0E02B2C3D479")));
    }
}
