package dev.loggregator.wire.uuid;

import java.util.UUID;
import org.cloudfoundry.dropsonde.events.UuidFactory;

/**
 * UUID text to dropsonde's {@code UUID{low, high}} and back. Dropsonde packs the 16 bytes of the
 * canonical form little-endian into two uint64s, while Java's {@link UUID} halves are big-endian,
 * so each half is byte-reversed.
 */
public final class V1Uuids {
    private V1Uuids() {
    }

    /** @throws IllegalArgumentException if {@code text} is not a UUID in canonical 8-4-4-4-12 hex form */
    public static UuidFactory.UUID toV1(String text) {
        // UUID.fromString alone also takes short groups ("1-2-3-4-5") and signs, which would turn
        // a non-UUID source id into an invented app id.
        if (!isCanonical(text)) {
            throw new IllegalArgumentException("not a UUID: " + text);
        }
        UUID uuid = UUID.fromString(text);
        return UuidFactory.UUID.newBuilder()
                .setLow(Long.reverseBytes(uuid.getMostSignificantBits()))
                .setHigh(Long.reverseBytes(uuid.getLeastSignificantBits()))
                .build();
    }

    private static boolean isCanonical(String text) {
        if (text.length() != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = text.charAt(i);
            boolean valid = i == 8 || i == 13 || i == 18 || i == 23
                    ? c == '-'
                    : c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
            if (!valid) {
                return false;
            }
        }
        return true;
    }

    public static String format(UuidFactory.UUID uuid) {
        return format(uuid.getLow(), uuid.getHigh());
    }

    public static String format(long low, long high) {
        return new UUID(Long.reverseBytes(low), Long.reverseBytes(high)).toString();
    }
}
