package dev.loggregator.cli.recent;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Iterator;
import java.util.LinkedHashSet;

/**
 * The log messages already taken, to drop a second copy of one where a read of the store and the
 * live stream overlap. A message is known by its timestamp, source type, instance and text, the
 * text hashed (SHA-256, 128 bits kept) so that memory does not grow with message size. Holds at
 * most {@code capacity} messages, forgetting the earliest taken first.
 */
final class SeenLogs {
    record Key(long timestamp, long high, long low) {
    }

    private final int capacity;
    private final LinkedHashSet<Key> keys = new LinkedHashSet<>();

    SeenLogs(int capacity) {
        this.capacity = capacity;
    }

    /** True if {@code entry} was not seen before (and now is). */
    synchronized boolean add(LogEntry entry) {
        if (!keys.add(key(entry))) {
            return false;
        }
        if (keys.size() > capacity) {
            Iterator<Key> oldest = keys.iterator();
            oldest.next();
            oldest.remove();
        }
        return true;
    }

    synchronized int size() {
        return keys.size();
    }

    static Key key(LogEntry entry) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        sha.update(entry.log().getSourceType().getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(entry.log().getSourceInstance().getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(entry.log().getMessage().asReadOnlyByteBuffer());
        ByteBuffer digest = ByteBuffer.wrap(sha.digest());
        return new Key(entry.timestamp(), digest.getLong(), digest.getLong());
    }
}
