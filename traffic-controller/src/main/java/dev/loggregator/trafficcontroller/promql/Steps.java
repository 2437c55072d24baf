package dev.loggregator.trafficcontroller.promql;

/** The evaluation timestamps (milliseconds): start, start + interval, ... up to end; one for an instant query. */
public record Steps(long start, long end, long interval) {
    public static Steps instant(long time) {
        return new Steps(time, time, 0);
    }

    public boolean isInstant() {
        return interval == 0;
    }

    public int count() {
        if (end < start) {
            return 0;
        }
        return interval == 0 ? 1 : (int) Math.min(Integer.MAX_VALUE, (end - start) / interval + 1);
    }

    public long at(int step) {
        return start + step * interval;
    }
}
