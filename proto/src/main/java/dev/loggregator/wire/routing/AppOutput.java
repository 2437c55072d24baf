package dev.loggregator.wire.routing;

import java.nio.charset.StandardCharsets;

/**
 * What a per-app log-rate limit needs to know of a log, read at ingress without allocating: whether it is
 * an app's own output (source type {@code APP/...}: the stdout and stderr of its instances, which is what
 * Cloud Foundry's cell charges to {@code log_rate_limit}; lines that platform components write about an
 * app, such as {@code RTR}, {@code API}, {@code CELL}, {@code STG} or {@code LGR}, are not) and which
 * instance wrote it, as a 64-bit key: the number itself for the usual instance index ("0", "1", ...), else
 * a hash of the UTF-8 bytes with the top bit set, so numbers and hashes never meet.
 */
public final class AppOutput {
    private static final byte[] APP = {'A', 'P', 'P'};
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;
    /** More digits could pass 2^63; such an instance id is hashed instead. */
    private static final int MAX_DIGITS = 18;

    private AppOutput() {
    }

    /** Whether the source type at these bytes is an app's own output ({@code APP...}). */
    public static boolean isAppSourceType(byte[] bytes, int offset, int length) {
        if (length < APP.length) {
            return false;
        }
        for (int i = 0; i < APP.length; i++) {
            if (bytes[offset + i] != APP[i]) {
                return false;
            }
        }
        return true;
    }

    public static boolean isAppSourceType(String sourceType) {
        return sourceType.startsWith("APP");
    }

    /** The key of the instance id at these UTF-8 bytes. */
    public static long instanceKey(byte[] bytes, int offset, int length) {
        if (isIndex(bytes, offset, length)) {
            long value = 0;
            for (int i = 0; i < length; i++) {
                value = value * 10 + (bytes[offset + i] - '0');
            }
            return value;
        }
        long hash = FNV_OFFSET;
        for (int i = 0; i < length; i++) {
            hash = (hash ^ (bytes[offset + i] & 0xFF)) * FNV_PRIME;
        }
        return hash | Long.MIN_VALUE;
    }

    /** The key of an instance id given as a string: the same as for its UTF-8 bytes. */
    public static long instanceKey(String instanceId) {
        int length = instanceId.length();
        for (int i = 0; i < length; i++) {
            if (instanceId.charAt(i) >= 0x80) {
                byte[] utf8 = instanceId.getBytes(StandardCharsets.UTF_8); // rare: not an index, not ASCII
                return instanceKey(utf8, 0, utf8.length);
            }
        }
        if (length > 0 && length <= MAX_DIGITS && (length == 1 || instanceId.charAt(0) != '0') && allDigits(instanceId)) {
            return Long.parseLong(instanceId);
        }
        long hash = FNV_OFFSET;
        for (int i = 0; i < length; i++) {
            hash = (hash ^ instanceId.charAt(i)) * FNV_PRIME;
        }
        return hash | Long.MIN_VALUE;
    }

    /** A decimal index without leading zeros ("0", "17"), short enough to be its own key. */
    private static boolean isIndex(byte[] bytes, int offset, int length) {
        if (length == 0 || length > MAX_DIGITS || (length > 1 && bytes[offset] == '0')) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            byte b = bytes[offset + i];
            if (b < '0' || b > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean allDigits(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
