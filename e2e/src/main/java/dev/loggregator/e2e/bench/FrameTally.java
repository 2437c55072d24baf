package dev.loggregator.e2e.bench;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;
import java.util.function.Function;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;

/**
 * Counts a firehose's frames by length, keeping the first frame of each length, so that a consumer
 * reading hundreds of thousands of envelopes a second does one atomic increment per frame and the
 * frames are told apart afterwards by parsing one of each length. Exact when each kind of envelope
 * the benchmark tells apart has lengths of its own (app ids of different lengths, a notice's text).
 */
final class FrameTally implements Consumer<byte[]> {
    private static final int MAX_LENGTH = 1 << 16;
    private final AtomicLongArray counts = new AtomicLongArray(MAX_LENGTH);
    private final AtomicReferenceArray<byte[]> samples = new AtomicReferenceArray<>(MAX_LENGTH);

    @Override
    public void accept(byte[] frame) {
        if (frame.length < MAX_LENGTH) {
            counts.incrementAndGet(frame.length);
            if (samples.get(frame.length) == null) {
                samples.compareAndSet(frame.length, null, frame);
            }
        }
    }

    /** How many frames were counted of the kind {@code classify} gives the value {@code kind} (null: not of interest). */
    long count(Function<Envelope, String> classify, String kind) {
        long total = 0;
        for (int length = 0; length < MAX_LENGTH; length++) {
            long n = counts.get(length);
            if (n > 0 && kind.equals(classify.apply(parse(samples.get(length))))) {
                total += n;
            }
        }
        return total;
    }

    private static Envelope parse(byte[] frame) {
        try {
            return Envelope.parseFrom(frame);
        } catch (InvalidProtocolBufferException e) {
            return Envelope.getDefaultInstance();
        }
    }
}
