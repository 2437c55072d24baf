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

    /** @throws IllegalArgumentException if {@code text} is not a UUID */
    public static UuidFactory.UUID toV1(String text) {
        UUID uuid = UUID.fromString(text);
        return UuidFactory.UUID.newBuilder()
                .setLow(Long.reverseBytes(uuid.getMostSignificantBits()))
                .setHigh(Long.reverseBytes(uuid.getLeastSignificantBits()))
                .build();
    }

    public static String format(UuidFactory.UUID uuid) {
        return format(uuid.getLow(), uuid.getHigh());
    }

    public static String format(long low, long high) {
        return new UUID(Long.reverseBytes(low), Long.reverseBytes(high)).toString();
    }
}
