package dev.loggregator.doppler.logcache;

import dev.loggregator.wire.v2.V2Kind;

/** The kind byte of a stored entry: the v2 message kind, and whether the bytes are v1 (converted on read). */
final class StoredKind {
    private static final int V1 = 0x80;

    private StoredKind() {
    }

    static byte of(V2Kind kind, boolean v1) {
        return (byte) (kind.ordinal() | (v1 ? V1 : 0));
    }

    static int v2Kind(byte kind) {
        return kind & 0x0f;
    }

    static boolean isV1(byte kind) {
        return (kind & V1) != 0;
    }
}
