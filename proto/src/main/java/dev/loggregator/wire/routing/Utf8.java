package dev.loggregator.wire.routing;

/**
 * Well-formed UTF-8 (no overlong forms, surrogates or code points above U+10FFFF), the check
 * protobuf-java applies to the strings of map entries such as the envelope's tags.
 */
final class Utf8 {
    private Utf8() {
    }

    static boolean isValid(byte[] bytes, int offset, int length) {
        int i = offset;
        int end = offset + length;
        while (i < end) {
            int lead = bytes[i] & 0xFF;
            if (lead < 0x80) {
                i++;
                continue;
            }
            int size;
            int min = 0x80;
            int max = 0xBF;
            if (lead >= 0xC2 && lead <= 0xDF) {
                size = 2;
            } else if (lead >= 0xE0 && lead <= 0xEF) {
                size = 3;
                if (lead == 0xE0) {
                    min = 0xA0; // overlong below U+0800
                } else if (lead == 0xED) {
                    max = 0x9F; // surrogates U+D800..U+DFFF
                }
            } else if (lead >= 0xF0 && lead <= 0xF4) {
                size = 4;
                if (lead == 0xF0) {
                    min = 0x90; // overlong below U+10000
                } else if (lead == 0xF4) {
                    max = 0x8F; // above U+10FFFF
                }
            } else {
                return false;
            }
            if (end - i < size) {
                return false;
            }
            int second = bytes[i + 1] & 0xFF;
            if (second < min || second > max) {
                return false;
            }
            for (int k = 2; k < size; k++) {
                if ((bytes[i + k] & 0xC0) != 0x80) {
                    return false;
                }
            }
            i += size;
        }
        return true;
    }
}
