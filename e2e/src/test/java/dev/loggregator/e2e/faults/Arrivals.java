package dev.loggregator.e2e.faults;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What one consumer (all its connections together) received: when each numbered line of each app
 * first arrived ({@code System.nanoTime()}, 0 = not yet), how many arrived again, and the loss
 * notices it was sent (the Doppler's and Traffic Controller's LGR lines and DroppedMessages counters).
 */
final class Arrivals {
    private final Ledger ledger;
    private final long[][] firstArrival;
    private long duplicates;
    private final List<Notice> notices = new ArrayList<>();

    record Notice(long nanos, String text) {
    }

    Arrivals(Ledger ledger) {
        this.ledger = ledger;
        firstArrival = new long[ledger.apps()][1024];
    }

    /** A numbered line of {@code app} arrived. */
    synchronized void line(String app, int number) {
        int index = ledger.appIndex(app);
        if (index < 0 || number < 0) {
            return;
        }
        if (number >= firstArrival[index].length) {
            firstArrival[index] = Arrays.copyOf(firstArrival[index], Math.max(number + 1, firstArrival[index].length * 2));
        }
        if (firstArrival[index][number] != 0) {
            duplicates++;
        } else {
            firstArrival[index][number] = System.nanoTime();
        }
    }

    synchronized void notice(String text) {
        notices.add(new Notice(System.nanoTime(), text));
    }

    /** Parses {@code fault <n>}; -1 for any other text. */
    static int number(String text) {
        if (!text.startsWith(NumberedTraffic.PREFIX)) {
            return -1;
        }
        try {
            return Integer.parseInt(text.substring(NumberedTraffic.PREFIX.length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    synchronized long arrival(int app, int number) {
        return number < firstArrival[app].length ? firstArrival[app][number] : 0;
    }

    synchronized long duplicates() {
        return duplicates;
    }

    synchronized List<Notice> notices(long fromNanos, long toNanos) {
        return notices.stream().filter(n -> n.nanos - fromNanos >= 0 && toNanos - n.nanos >= 0).toList();
    }
}
