package dev.loggregator.e2e.bench;

import com.google.protobuf.ByteString;
import dev.loggregator.e2e.ingress.V2Envelopes;
import dev.loggregator.wire.ingress.V2IngressClient;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.EnvelopeBatch;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Log;

/**
 * Offers v2 log envelopes (200-byte payloads unless another shape is given) at a fixed rate over one or more BatchSender
 * streams (one sender thread each, like several agents), paced against the clock, spread
 * round-robin over a set of app ids. With batches of one, each envelope's timestamp is the
 * {@link BenchClock} time it was handed to gRPC, so a consumer in this JVM measures one-way
 * latency; larger batches are built and marshalled once and re-sent as bytes, so the generator spends its CPU on sending,
 * unless every envelope must have its own timestamp ({@link #distinctTimestamps()}: Log Cache reads
 * never cut a run of equal timestamps, so a store full of one timestamp would answer every read whole).
 */
final class LoadGenerator implements AutoCloseable {
    static final ByteString PAYLOAD = ByteString.copyFromUtf8("x".repeat(200));

    /** The envelope the generator sends for an app at a time. */
    @FunctionalInterface
    interface Shape {
        Envelope envelope(String app, long timestamp);
    }

    /** An app log with {@link #PAYLOAD}, as a Diego cell's agent sends it. */
    static final Shape APP_LOG = (app, timestamp) -> V2Envelopes.log(app, "0", "APP/PROC/WEB", Log.Type.OUT, PAYLOAD, timestamp);

    private final List<V2IngressClient> senders;
    private final List<String> apps;
    private final Shape shape;
    private final ExecutorService threads;
    private volatile boolean distinctTimestamps;
    private volatile boolean everyStream;

    LoadGenerator(List<V2IngressClient> senders, List<String> apps) {
        this(senders, apps, APP_LOG);
    }

    LoadGenerator(List<V2IngressClient> senders, List<String> apps, Shape shape) {
        this.senders = List.copyOf(senders);
        this.apps = List.copyOf(apps);
        this.shape = shape;
        this.threads = Executors.newFixedThreadPool(senders.size(), r -> {
            Thread thread = new Thread(r, "load-generator");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** From now on, builds every batch anew with one nanosecond between its envelopes' timestamps. */
    LoadGenerator distinctTimestamps() {
        distinctTimestamps = true;
        return this;
    }

    /** From now on, sends over every stream whatever the rate (by default, one stream below 100,000/s). */
    LoadGenerator everyStream() {
        everyStream = true;
        return this;
    }

    /** Sends at {@code perSecond} in total for {@code seconds}; returns how many were sent (the achieved offered load). */
    long run(int perSecond, double seconds, int batchSize) {
        int streams = everyStream || perSecond >= 100_000 ? senders.size() : 1;
        // One timestamp for every stream's prebuilt batches: Log Cache keeps each source in time order,
        // and two streams each re-sending its own batch would interleave two clocks a step apart
        // (an insert behind the other stream's envelopes moves them all), which no agent does.
        long timestamp = BenchClock.now();
        List<Future<Long>> running = new ArrayList<>();
        for (int s = 0; s < streams; s++) {
            V2IngressClient sender = senders.get(s);
            double share = (double) perSecond / streams;
            int offset = s;
            running.add(threads.submit(() -> send(sender, share, seconds, batchSize, offset, timestamp)));
        }
        long sent = 0;
        for (Future<Long> f : running) {
            try {
                sent += f.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("load generator failed: " + e.getCause(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return sent;
    }

    private long send(V2IngressClient sender, double perSecond, double seconds, int batchSize, int appOffset, long timestamp) {
        long total = (long) (perSecond * seconds);
        byte[] prebuilt = batchSize > 1 ? encoded(batch(batchSize, appOffset, timestamp)) : null;
        long start = System.nanoTime();
        long sent = 0;
        int app = appOffset % apps.size();
        while (sent < total) {
            long due = start + (long) (sent * 1e9 / perSecond);
            long wait = due - System.nanoTime();
            if (wait > 20_000) {
                LockSupport.parkNanos(wait);
            }
            if (prebuilt != null && total - sent >= batchSize) {
                sender.send(distinctTimestamps ? encoded(batch(batchSize, appOffset, BenchClock.now())) : prebuilt);
                sent += batchSize;
            } else {
                sender.send(shape.envelope(apps.get(app), BenchClock.now()));
                app = app + 1 == apps.size() ? 0 : app + 1;
                sent++;
            }
            if (System.nanoTime() - start > seconds * 1e9 * 1.5) {
                break; // cannot keep up: report what was achieved
            }
        }
        return sent;
    }

    private static byte[] encoded(List<Envelope> batch) {
        return EnvelopeBatch.newBuilder().addAllBatch(batch).build().toByteArray();
    }

    private List<Envelope> batch(int size, int appOffset, long timestamp) {
        List<Envelope> batch = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            batch.add(shape.envelope(apps.get((appOffset + i) % apps.size()), distinctTimestamps ? timestamp + i : timestamp));
        }
        return batch;
    }

    static List<String> apps(String prefix, int n) {
        List<String> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ids.add(appId(prefix, i));
        }
        return ids;
    }

    /** A fresh prefix for a run's app ids: the first four groups of a random GUID ({@code 8-4-4-4-}). */
    static String newAppPrefix() {
        return UUID.randomUUID().toString().substring(0, 24);
    }

    /**
     * App {@code i} of a run: a GUID (the Traffic Controller refuses other app ids) that starts with the
     * run's {@link #newAppPrefix()}, so that consumers recognise the run's envelopes by that prefix.
     */
    static String appId(String prefix, int i) {
        if (prefix.length() != 24 || prefix.charAt(23) != '-') {
            throw new IllegalArgumentException("not a prefix from newAppPrefix(): " + prefix);
        }
        return prefix + String.format("%012x", i);
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
