package dev.loggregator.doppler.logcache;

import dev.loggregator.doppler.routing.RoutedEnvelope;
import dev.loggregator.wire.v2.V2Kind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.cloudfoundry.logcache.v1.LogCacheEgress.MetaInfo;

/**
 * Every envelope this Doppler received, kept per source id for Log Cache reads (issue 14): each
 * Doppler holds what agents sent to it and Traffic Controllers merge the answers of all Dopplers, so a
 * write is one append on the router thread and no envelope crosses the network twice. Memory is bounded
 * three ways: at most {@code maxPerSource} envelopes per source (the oldest expire), a global byte
 * budget past which the globally oldest envelopes expire (the pruner, as Log Cache's truncation loop),
 * and a number of sources past which the least recently written sources are forgotten (a hard limit of
 * twice that refuses new sources, counted, until the pruner has run).
 *
 * <p>The pruner runs every 250 ms and leaves the store a little under its budget with up to an eighth of
 * it in spare blocks, room for what the router writes meanwhile. Should the router write more than that
 * before the pruner runs again (a burst of new sources: a million app ids from one client came far faster
 * than a pass of a 16 MiB store freed room for, about 3,600 sources, and under full collections passes
 * came late: the store held 3-5 times its budget and the Doppler ran out of heap), the budget is a hard
 * limit on the router thread too: where the envelopes and the spare blocks would go past it, a write to a
 * source first expires the source's own oldest envelopes until it fits (counted as expired by the budget) and
 * a new source is not stored (counted as refused), until the pruner has made room. (Asking the pruner for a pass at once instead stored five
 * times as many of such a burst's envelopes, 460,000 rather than 85,000, nearly all expired again within the
 * second, and took the CPU from the router: the ingress buffer shed 83,000-87,000 envelopes of the million,
 * for every consumer, rather than 34,000-58,000.)
 */
public final class LogCacheStore {
    private static final int EVICTIONS_PER_STAY = 256;
    private static final int POOL_SHARE = 8;
    private final Map<String, SourceLog> sources = new ConcurrentHashMap<>();
    private final int maxPerSource;
    private final long budgetBytes;
    private final int maxSources;
    private final AtomicLong bytesHeld = new AtomicLong();
    private final AtomicLong stored = new AtomicLong();
    private final AtomicLong expiredByCap = new AtomicLong();
    private final AtomicLong expiredByBudget = new AtomicLong();
    private final AtomicLong refusedSources = new AtomicLong();
    private final AtomicLong forgottenSources = new AtomicLong();
    private final AtomicLong seriesRefusedOfForgotten = new AtomicLong();
    /**
     * Blocks expired out of the sources, for new ones: at most a {@value #POOL_SHARE}th of the budget, inside
     * it: the entries are kept within the rest ({@link #entryBudget}), so each pass of the pruner expires
     * ahead what the router fills until the next one (about 35 MB at 350,000/s). With a sixteenth, 100
     * sources filling and expiring their blocks in step (as the benchmark's do) got back only about 60 % of
     * the blocks they expired; with an eighth, 90-98 %.
     */
    private final BlockPool pool;
    private final long entryBudget;

    public LogCacheStore(int maxPerSource, long budgetBytes, int maxSources) {
        this.maxPerSource = maxPerSource;
        this.budgetBytes = budgetBytes;
        this.maxSources = maxSources;
        this.pool = new BlockPool(TimeOrderedEntries.blockSize(maxPerSource), budgetBytes / POOL_SHARE);
        this.entryBudget = budgetBytes - budgetBytes / POOL_SHARE;
    }

    /** Router thread: keeps the envelope under its source id. */
    public void add(RoutedEnvelope envelope, long nowNanos) {
        V2Kind kind = envelope.kind();
        if (kind == null) {
            return; // a v2 envelope without a message: nothing a Log Cache read could select
        }
        String sourceId = envelope.sourceId();
        long incoming = envelope.originalBytes().length + SourceLog.ENTRY_OVERHEAD;
        while (true) {
            SourceLog log = sources.get(sourceId);
            if (log == null) {
                if (pastBudgetWith(SourceLog.SOURCE_OVERHEAD + incoming) || sources.size() >= 2 * maxSources) {
                    refusedSources.incrementAndGet();
                    return;
                }
                SourceLog created = new SourceLog(sourceId, maxPerSource, pool);
                log = sources.putIfAbsent(sourceId, created);
                if (log == null) {
                    log = created;
                    bytesHeld.addAndGet(SourceLog.SOURCE_OVERHEAD);
                }
            }
            synchronized (log) {
                if (log.forgotten()) {
                    continue; // the pruner dropped it just now: write into a new one
                }
                // Until it fits, or as much as it brings is freed: a write never takes the store further past the
                // budget than one envelope larger than all its source held.
                long freed = 0;
                while (log.size() > 0 && freed < incoming && pastBudgetWith(incoming)) {
                    long bytes = log.evictOldest();
                    freed += bytes;
                    bytesHeld.addAndGet(-bytes);
                    expiredByBudget.incrementAndGet();
                }
                long expiredBefore = log.expired();
                bytesHeld.addAndGet(log.add(envelope.timestamp(), StoredKind.of(kind, !envelope.arrivedAsV2()),
                        envelope.originalBytes(), nowNanos, SourceSeries.holdsSamples(kind) ? envelope.v2() : null));
                if (log.expired() != expiredBefore) {
                    expiredByCap.incrementAndGet();
                }
            }
            stored.incrementAndGet();
            return;
        }
    }

    /** Whether the envelopes held and the spare blocks would be past the budget with {@code bytes} more (the pruner is behind). */
    private boolean pastBudgetWith(long bytes) {
        return bytesHeld.get() + pool.bytes() + bytes > budgetBytes;
    }

    /** The source's entries for a read; empty for an unknown source. */
    public List<SourceLog.Entry> read(String sourceId, long start, long end, int limit, boolean descending, int kindMask,
                                      SourceLog.EntryFilter filter) {
        SourceLog log = sources.get(sourceId);
        if (log == null) {
            return List.of();
        }
        synchronized (log) {
            return log.read(start, end, limit, descending, kindMask, filter);
        }
    }

    /** The source's log, for {@link SeriesReads} (which locks it); null for an unknown source. */
    SourceLog source(String sourceId) {
        return sources.get(sourceId);
    }

    /** PromQL metric series held over every source. */
    public long seriesHeld() {
        long count = 0;
        for (SourceLog log : sources.values()) {
            synchronized (log) {
                count += log.series() == null ? 0 : log.series().seriesCount();
            }
        }
        return count;
    }

    /** Samples not kept for PromQL because their source held {@code maxPerSource} series. */
    public long seriesRefused() {
        long count = seriesRefusedOfForgotten.get();
        for (SourceLog log : sources.values()) {
            synchronized (log) {
                count += log.series() == null ? 0 : log.series().refused();
            }
        }
        return count;
    }

    /** Per source: count, expired, oldest and newest timestamp, as Log Cache's Meta answers. */
    public Map<String, MetaInfo> meta() {
        Map<String, MetaInfo> meta = new java.util.HashMap<>();
        for (SourceLog log : sources.values()) {
            synchronized (log) {
                if (log.size() == 0 && log.expired() == 0) {
                    continue;
                }
                meta.put(log.sourceId(), MetaInfo.newBuilder()
                        .setCount(log.size())
                        .setExpired(log.expired())
                        .setOldestTimestamp(log.size() == 0 ? 0 : log.oldest())
                        .setNewestTimestamp(log.size() == 0 ? 0 : log.newest())
                        .build());
            }
        }
        return meta;
    }

    /**
     * Brings the store back within its bounds: forgets the least recently written sources beyond
     * {@code maxSources}, then expires the globally oldest envelopes until the bytes held are under
     * the budget. Called periodically off the router thread.
     */
    public void prune() {
        if (sources.size() > maxSources) {
            forgetLeastRecent(sources.size() - maxSources);
        }
        if (bytesHeld.get() <= entryBudget) {
            return;
        }
        // Equal oldest timestamps take turns (a source goes behind the others it ties with), so that a
        // run of one timestamp over many sources expires from each alike rather than from one or two whole.
        record Oldest(long timestamp, long turn, SourceLog log) {
        }
        PriorityQueue<Oldest> byAge = new PriorityQueue<>(
                Comparator.comparingLong(Oldest::timestamp).thenComparingLong(Oldest::turn));
        long turn = 0;
        for (SourceLog log : sources.values()) {
            synchronized (log) {
                if (log.size() > 0) {
                    byAge.add(new Oldest(log.oldest(), turn++, log));
                }
            }
        }
        // A little below the budget, so the next few writes do not start another pass.
        long target = entryBudget - budgetBytes / 50;
        while (bytesHeld.get() > target && !byAge.isEmpty()) {
            Oldest oldest = byAge.poll();
            SourceLog log = oldest.log();
            // This source's envelopes up to the next source's oldest go in one stay (not one queue round
            // each), a bounded number at a time: the router thread may be waiting to write to it.
            long upTo = byAge.isEmpty() ? Long.MAX_VALUE : byAge.peek().timestamp();
            synchronized (log) {
                if (log.size() == 0) {
                    continue;
                }
                int evicted = 0;
                do {
                    bytesHeld.addAndGet(-log.evictOldest());
                    evicted++;
                } while (evicted < EVICTIONS_PER_STAY && log.size() > 0 && log.oldest() <= upTo && bytesHeld.get() > target);
                expiredByBudget.addAndGet(evicted);
                if (log.size() > 0) {
                    byAge.add(new Oldest(log.oldest(), turn++, log));
                } else {
                    // Nothing left: the source itself goes too (its expired count with it).
                    sources.remove(log.sourceId(), log);
                    log.forget();
                    bytesHeld.addAndGet(-SourceLog.SOURCE_OVERHEAD);
                }
            }
        }
    }

    private void forgetLeastRecent(int excess) {
        List<SourceLog> all = new ArrayList<>(sources.values());
        all.sort((a, b) -> Long.compare(a.lastWriteNanos(), b.lastWriteNanos()));
        for (int i = 0; i < excess && i < all.size(); i++) {
            SourceLog log = all.get(i);
            sources.remove(log.sourceId(), log);
            synchronized (log) {
                log.forget();
                bytesHeld.addAndGet(-log.bytesHeld());
                seriesRefusedOfForgotten.addAndGet(log.series() == null ? 0 : log.series().refused());
            }
            forgottenSources.incrementAndGet();
        }
    }

    public long bytesHeld() {
        return bytesHeld.get();
    }

    /** Heap of the expired blocks kept for new ones (within the budget, not in {@link #bytesHeld()}). */
    public long spareBlockBytes() {
        return pool.bytes();
    }

    /** Blocks ever taken from the spare ones instead of made. */
    public long blocksReused() {
        return pool.reused();
    }

    public long envelopesHeld() {
        long count = 0;
        for (SourceLog log : sources.values()) {
            count += log.size();
        }
        return count;
    }

    public int sourceCount() {
        return sources.size();
    }

    public long stored() {
        return stored.get();
    }

    /**
     * Envelopes ever expired, by the per-source cap or the budget: counted as they go rather than summed
     * over the sources, so that forgetting a source does not lower it and a scrape does not walk them all.
     */
    public long expired() {
        return expiredByCap.get() + expiredByBudget.get();
    }

    public long expiredByBudget() {
        return expiredByBudget.get();
    }

    public long refusedSources() {
        return refusedSources.get();
    }

    public long forgottenSources() {
        return forgottenSources.get();
    }

    /** Per-source envelope counts, for the count histogram in /metrics. */
    public List<Integer> sourceSizes() {
        List<Integer> sizes = new ArrayList<>(sources.size());
        for (SourceLog log : sources.values()) {
            sizes.add(log.size());
        }
        return sizes;
    }
}
