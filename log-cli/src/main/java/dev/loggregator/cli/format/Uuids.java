package dev.loggregator.cli.format;

import org.cloudfoundry.dropsonde.events.UuidFactory;

/** Canonical text of a v1 UUID (spec §1.5): low and high are the 16 bytes read little-endian. */
final class Uuids {
    private Uuids() {
    }

    static String format(UuidFactory.UUID uuid) {
        byte[] bytes = new byte[16];
        for (int i = 0; i < 8; i++) {
            bytes[i] = (byte) (uuid.getLow() >>> (8 * i));
            bytes[8 + i] = (byte) (uuid.getHigh() >>> (8 * i));
        }
        StringBuilder text = new StringBuilder(36);
        for (int i = 0; i < 16; i++) {
            if (i == 4 || i == 6 || i == 8 || i == 10) {
                text.append('-');
            }
            text.append(Character.forDigit((bytes[i] >> 4) & 0xf, 16)).append(Character.forDigit(bytes[i] & 0xf, 16));
        }
        return text.toString();
    }
}
