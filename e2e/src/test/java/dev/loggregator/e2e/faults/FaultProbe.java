package dev.loggregator.e2e.faults;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * Measures one fault against the numbered stream: which accepted lines each consumer never got,
 * the notices and drop counters that told of losses, the longest stall of each consumer, and how
 * long after the component was back (or the network healed) every consumer received lines again
 * through every Doppler. Windows follow one another, so every accepted line is judged once.
 */
final class FaultProbe {
    private static final Duration SETTLE = Duration.ofSeconds(5);

    private final Ledger ledger;
    private final List<Consumer> consumers;
    private final int dopplers;
    private final Supplier<Map<String, Long>> dropCounters;
    private final Supplier<Long> failedCalls;
    private final LogCacheCheck logCache;
    private int[] nextFrom;
    private long nextFromNanos;
    private long nextFromWallNanos;

    FaultProbe(Ledger ledger, List<Consumer> consumers, int dopplers, Supplier<Map<String, Long>> dropCounters,
               Supplier<Long> failedCalls, LogCacheCheck logCache) {
        this.ledger = ledger;
        this.logCache = logCache;
        this.consumers = List.copyOf(consumers);
        this.dopplers = dopplers;
        this.dropCounters = dropCounters;
        this.failedCalls = failedCalls;
        judgeFromNow();
    }

    /** A fault being measured: what was accepted before it, and the counters then. */
    final class Window {
        final String fault;
        final int[] from;
        final long fromNanos;
        final Map<String, Long> countersBefore;
        final long failedCallsBefore;
        final long duplicatesBefore;
        final long disconnectsBefore;
        final long fromWallNanos;
        final long faultNanos;

        private Window(String fault) {
            this.fault = fault;
            this.from = nextFrom;
            this.fromNanos = nextFromNanos;
            this.countersBefore = dropCounters.get();
            this.failedCallsBefore = failedCalls.get();
            this.duplicatesBefore = consumers.stream().mapToLong(c -> c.arrivals().duplicates()).sum();
            this.disconnectsBefore = consumers.stream().mapToLong(Consumer::disconnects).sum();
            this.fromWallNanos = nextFromWallNanos;
            this.faultNanos = System.nanoTime();
        }
    }

    /**
     * What a fault cost. {@code lost}: accepted lines never received, per kind of consumer; {@code held}:
     * how many of those Log Cache still holds. Times in milliseconds; {@code flowAgainMillis} is from the
     * moment the component was back. {@code connectionsCut}: consumer connections that ended.
     */
    record Result(String fault, long accepted, Map<String, Long> lost, Map<String, Long> held, long notices,
                  Map<String, Long> counted, long longestStallMillis, long flowAgainMillis, long duplicates,
                  long failedIngressCalls, long connectionsCut) {
        long lostTotal() {
            return lost.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private int[] marks() {
        int[] marks = new int[ledger.apps()];
        for (int app = 0; app < marks.length; app++) {
            marks[app] = ledger.acceptedCount(app);
        }
        return marks;
    }

    /** Lines accepted from now on are judged (the consumers were just connected). */
    void judgeFromNow() {
        nextFrom = marks();
        nextFromNanos = System.nanoTime();
        // Lines are stamped when their batch is made, a little before they are accepted.
        nextFromWallNanos = (System.currentTimeMillis() - 5_000) * 1_000_000L;
    }

    /** Starts measuring: call right before injecting the fault. */
    Window begin(String fault) {
        return new Window(fault);
    }

    /** Every consumer receives lines again that entered through every Doppler at or after {@code sinceNanos}. */
    void awaitFlowing(long sinceNanos, Duration patience) {
        await("every consumer receives lines through every Doppler again").atMost(patience)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> flowingAgain(sinceNanos).isPresent());
    }

    /**
     * Ends the fault's window: waits until every stream flows again after {@code backNanos} (the moment
     * the component was back or the network healed), then until the window's lines have arrived or
     * nothing has changed for a while, and measures.
     */
    Result finish(Window window, long backNanos, Duration patience) {
        awaitFlowing(backNanos, patience);
        long flowAgain = flowingAgain(backNanos).orElseThrow();
        int[] to = marks();
        long toNanos = System.nanoTime();
        long toWallNanos = (System.currentTimeMillis() - 5_000) * 1_000_000L;
        long[] lastChange = {System.nanoTime()};
        long[] lastLost = {Long.MAX_VALUE};
        await("the window's lines arrive or stop arriving").atMost(patience.plus(SETTLE)).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    long lost = lostCount(window.from, to);
                    if (lost != lastLost[0]) {
                        lastLost[0] = lost;
                        lastChange[0] = System.nanoTime();
                    }
                    return lost == 0 || System.nanoTime() - lastChange[0] > SETTLE.toNanos();
                });
        Map<String, BitSet[]> missing = missing(window.from, to);
        Map<String, Long> lost = new LinkedHashMap<>();
        Map<String, Long> held = new LinkedHashMap<>();
        BitSet[] inLogCache = new BitSet[ledger.apps()];
        long untilWallNanos = (System.currentTimeMillis() + 1_000) * 1_000_000L;
        missing.forEach((kind, perApp) -> {
            long all = 0;
            long kept = 0;
            for (int app = 0; app < perApp.length; app++) {
                all += perApp[app].cardinality();
                if (!perApp[app].isEmpty()) {
                    if (inLogCache[app] == null) {
                        inLogCache[app] = logCache.held(ledger.app(app), window.fromWallNanos, untilWallNanos);
                    }
                    BitSet both = (BitSet) perApp[app].clone();
                    both.and(inLogCache[app]);
                    kept += both.cardinality();
                }
            }
            lost.put(kind, all);
            held.put(kind, kept);
        });
        long notices = 0;
        long stall = 0;
        long duplicates = 0;
        long disconnects = 0;
        for (Consumer consumer : consumers) {
            notices += consumer.arrivals().notices(window.fromNanos, System.nanoTime()).size();
            stall = Math.max(stall, longestStall(consumer, window.from, to, window.faultNanos, toNanos));
            duplicates += consumer.arrivals().duplicates();
            disconnects += consumer.disconnects();
        }
        long accepted = 0;
        for (int app = 0; app < to.length; app++) {
            accepted += to[app] - window.from[app];
        }
        nextFrom = to;
        nextFromNanos = toNanos;
        nextFromWallNanos = toWallNanos;
        return new Result(window.fault, accepted, lost, held, notices,
                DropCounters.since(window.countersBefore, dropCounters.get()), stall / 1_000_000, flowAgain / 1_000_000,
                duplicates - window.duplicatesBefore, failedCalls.get() - window.failedCallsBefore,
                disconnects - window.disconnectsBefore);
    }

    /** Accepted lines in [from, to) never received, per kind of consumer and app. */
    private Map<String, BitSet[]> missing(int[] from, int[] to) {
        Map<String, BitSet[]> missing = new LinkedHashMap<>();
        for (Consumer consumer : consumers) {
            BitSet[] perApp = missing.computeIfAbsent(kind(consumer), k -> {
                BitSet[] sets = new BitSet[to.length];
                for (int app = 0; app < sets.length; app++) {
                    sets[app] = new BitSet();
                }
                return sets;
            });
            for (int app = 0; app < to.length; app++) {
                if (consumer.reads(app)) {
                    for (int n = from[app]; n < to[app]; n++) {
                        if (consumer.arrivals().arrival(app, n) == 0) {
                            perApp[app].set(n);
                        }
                    }
                }
            }
        }
        return missing;
    }

    private long lostCount(int[] from, int[] to) {
        return missing(from, to).values().stream().flatMap(java.util.Arrays::stream).mapToLong(BitSet::cardinality).sum();
    }

    static String kind(Consumer consumer) {
        return consumer.name().startsWith("app stream") ? "app streams" : consumer.name();
    }

    /**
     * The time after {@code sinceNanos} until the slowest consumer got its first line through each
     * Doppler among those accepted since; empty while some consumer has got none of them yet, or some
     * Doppler has accepted nothing since.
     */
    private OptionalLong flowingAgain(long sinceNanos) {
        long worst = 0;
        boolean[] dopplerUsed = new boolean[dopplers];
        for (Consumer consumer : consumers) {
            for (int doppler = 0; doppler < dopplers; doppler++) {
                long first = Long.MAX_VALUE;
                boolean any = false;
                for (int app = 0; app < ledger.apps(); app++) {
                    if (!consumer.reads(app)) {
                        continue;
                    }
                    int from = ledger.firstAcceptedAtOrAfter(app, sinceNanos);
                    int to = Math.min(ledger.acceptedCount(app), from + 5_000);
                    for (int n = from; n < to; n++) {
                        if (ledger.acceptedBy(app, n) == doppler) {
                            any = true;
                            long arrival = consumer.arrivals().arrival(app, n);
                            if (arrival != 0) {
                                first = Math.min(first, arrival);
                            }
                        }
                    }
                }
                if (any) {
                    dopplerUsed[doppler] = true;
                    if (first == Long.MAX_VALUE) {
                        return OptionalLong.empty();
                    }
                    worst = Math.max(worst, first - sinceNanos);
                }
            }
        }
        for (boolean used : dopplerUsed) {
            if (!used) {
                return OptionalLong.empty();
            }
        }
        return OptionalLong.of(worst);
    }

    /** The longest time between {@code fromNanos} and {@code toNanos} in which a consumer got no line. */
    private long longestStall(Consumer consumer, int[] from, int[] to, long fromNanos, long toNanos) {
        List<Long> times = new ArrayList<>();
        for (int app = 0; app < to.length; app++) {
            if (consumer.reads(app)) {
                for (int n = from[app]; n < to[app]; n++) {
                    long arrival = consumer.arrivals().arrival(app, n);
                    if (arrival - fromNanos > 0 && toNanos - arrival > 0) {
                        times.add(arrival);
                    }
                }
            }
        }
        times.add(fromNanos);
        times.add(toNanos);
        times.sort(null);
        long longest = 0;
        for (int i = 1; i < times.size(); i++) {
            longest = Math.max(longest, times.get(i) - times.get(i - 1));
        }
        return longest;
    }
}
