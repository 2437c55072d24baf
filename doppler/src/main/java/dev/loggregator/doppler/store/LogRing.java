package dev.loggregator.doppler.store;

import java.util.ArrayList;
import java.util.List;

/**
 * The last {@code max} log envelopes of one app, oldest overwritten first. Storage grows with
 * use up to {@code max}, so the many apps that log a line or two cost a few slots, not {@code max}.
 * Not thread-safe: {@link AppStore} guards it.
 */
final class LogRing {
    private static final int INITIAL_SLOTS = 4;

    private final int max;
    private byte[][] slots;
    private int start;
    private int size;
    private long bytes;

    LogRing(int max) {
        this.max = max;
        this.slots = new byte[Math.min(INITIAL_SLOTS, max)][];
    }

    /** Adds an envelope; returns the change in retained bytes. */
    long add(byte[] envelope) {
        if (size < slots.length) {
            slots[(start + size) % slots.length] = envelope;
            size++;
            bytes += envelope.length;
            return envelope.length;
        }
        if (slots.length < max) {
            byte[][] grown = new byte[Math.min(max, slots.length * 2)][];
            for (int i = 0; i < size; i++) {
                grown[i] = slots[(start + i) % slots.length];
            }
            slots = grown;
            start = 0;
            slots[size++] = envelope;
            bytes += envelope.length;
            return envelope.length;
        }
        long delta = envelope.length - (long) slots[start].length;
        slots[start] = envelope;
        start = (start + 1) % slots.length;
        bytes += delta;
        return delta;
    }

    List<byte[]> oldestFirst() {
        List<byte[]> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add(slots[(start + i) % slots.length]);
        }
        return out;
    }

    int size() {
        return size;
    }

    long bytes() {
        return bytes;
    }
}
