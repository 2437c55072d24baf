package dev.loggregator.e2e.bench;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope.EventType;

/**
 * Counts the benchmark's LogMessages a consumer receives, separately from drop notices (LGR lines
 * and TruncatingBuffer counters) and other traffic, and optionally records one-way latency. v1
 * consumers hand it each marshalled envelope ({@link #accept}); the v2 readers recognise envelopes
 * themselves and report them ({@link #delivered(long, long)}, {@link #dropNotice()}).
 */
final class DeliveryCounter implements Consumer<byte[]> {
    private final String appPrefix;
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong dropNotices = new AtomicLong();
    private volatile long[] latencies;
    private final AtomicLong latencyCount = new AtomicLong();

    DeliveryCounter(String appPrefix) {
        this.appPrefix = appPrefix;
    }

    /** Start recording up to {@code capacity} latencies. */
    void recordLatency(int capacity) {
        latencyCount.set(0);
        latencies = new long[capacity];
    }

    /**
     * The benchmark's envelopes come in a few lengths (app ids of a few lengths, same payload and
     * fields); once one of a length has been parsed and recognised, frames of that length are counted without parsing
     * (except while measuring latency), so that thousands of consumers in one JVM measure the system
     * rather than protobuf parsing. Any other frame (a drop notice, other traffic) is parsed.
     */
    private final boolean[] benchLengths = new boolean[1 << 16];

    @Override
    public void accept(byte[] bytes) {
        long arrived = BenchClock.now();
        if (bytes.length < benchLengths.length && benchLengths[bytes.length] && latencies == null) {
            delivered.incrementAndGet();
            return;
        }
        Envelope envelope;
        try {
            envelope = Envelope.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            return;
        }
        if (envelope.getEventType() == EventType.LogMessage) {
            if (envelope.getLogMessage().getAppId().startsWith(appPrefix)
                    && !envelope.getLogMessage().getSourceType().equals("LGR")) {
                if (bytes.length < benchLengths.length) {
                    benchLengths[bytes.length] = true;
                }
                delivered(envelope.getTimestamp(), arrived);
            } else if (envelope.getLogMessage().getSourceType().equals("LGR")) {
                dropNotice();
            }
        } else if (envelope.getEventType() == EventType.CounterEvent
                && envelope.getCounterEvent().getName().equals("TruncatingBuffer.DroppedMessages")) {
            dropNotice();
        }
    }

    /** One of the benchmark's envelopes, sent at {@code timestamp} and received at {@code arrived} ({@link BenchClock}). */
    void delivered(long timestamp, long arrived) {
        delivered.incrementAndGet();
        long[] sink = latencies;
        if (sink != null) {
            long i = latencyCount.getAndIncrement();
            if (i < sink.length) {
                sink[(int) i] = arrived - timestamp;
            }
        }
    }

    /** A drop notice: an {@code LGR} log or a {@code TruncatingBuffer.DroppedMessages} counter. */
    void dropNotice() {
        dropNotices.incrementAndGet();
    }

    long delivered() {
        return delivered.get();
    }

    long dropNotices() {
        return dropNotices.get();
    }

    /** p50, p99, p99.9 in microseconds of what was recorded, then stops recording. */
    double[] latencyPercentilesMicros() {
        long[] sink = latencies;
        latencies = null;
        int n = (int) Math.min(latencyCount.get(), sink == null ? 0 : sink.length);
        if (n == 0) {
            return new double[] {Double.NaN, Double.NaN, Double.NaN};
        }
        long[] sorted = Arrays.copyOf(sink, n);
        Arrays.sort(sorted);
        return new double[] {at(sorted, 0.50), at(sorted, 0.99), at(sorted, 0.999)};
    }

    private static double at(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1000.0;
    }

    /** Waits until the count stops moving for {@code quietMillis} (or {@code maxMillis} passed). */
    long awaitQuiet(long expected, long quietMillis, long maxMillis) {
        long deadline = System.currentTimeMillis() + maxMillis;
        long last = -1;
        long lastChange = System.currentTimeMillis();
        while (System.currentTimeMillis() < deadline) {
            long now = delivered.get();
            if (now >= expected) {
                return now;
            }
            if (now != last) {
                last = now;
                lastChange = System.currentTimeMillis();
            } else if (System.currentTimeMillis() - lastChange > quietMillis) {
                return now;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
        }
        return delivered.get();
    }
}
