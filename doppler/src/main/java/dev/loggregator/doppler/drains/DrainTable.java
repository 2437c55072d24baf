package dev.loggregator.doppler.drains;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The drains in force, as the router thread reads them: per source id the app's drains (and the
 * refusals its developer is to be told about), and the aggregate drains that take everything.
 * Immutable; a binding change publishes a new table.
 */
final class DrainTable {
    static final DrainTable EMPTY = new DrainTable(Map.of(), new SyslogDrain[0], List.of());

    final Map<String, AppDrains> byApp;
    final SyslogDrain[] aggregates;
    final boolean empty;
    /** Every binding refused at the last refresh, for operators. */
    final List<Refusal> refusals;

    DrainTable(Map<String, AppDrains> byApp, SyslogDrain[] aggregates, List<Refusal> refusals) {
        this.byApp = byApp;
        this.aggregates = aggregates;
        this.refusals = List.copyOf(refusals);
        this.empty = byApp.isEmpty() && aggregates.length == 0;
    }

    /** A binding that is not in force, and why (the message the app's developer gets). */
    record Refusal(String appId, String url, String reason) {
    }

    /** Every drain: the apps' then the aggregate ones. */
    List<SyslogDrain> drains() {
        List<SyslogDrain> all = new ArrayList<>();
        for (AppDrains app : byApp.values()) {
            Collections.addAll(all, app.drains);
        }
        Collections.addAll(all, aggregates);
        return all;
    }

    /**
     * One app's drains and its refused bindings. The refusals are told to the developer by the
     * Doppler that sees the app's envelopes, at most once per interval, so a developer whose app
     * runs on one Doppler hears it once and an app that sends nothing costs nothing.
     */
    static final class AppDrains {
        final SyslogDrain[] drains;
        final String[] refusals;
        private volatile long nextNoticeNanos = System.nanoTime();

        AppDrains(SyslogDrain[] drains, String[] refusals) {
            this.drains = drains;
            this.refusals = refusals.length == 0 ? null : refusals;
        }

        /** Keeps the notice schedule of the app's previous table, so a refresh does not repeat a notice early. */
        void continueFrom(AppDrains previous) {
            if (previous != null) {
                nextNoticeNanos = previous.nextNoticeNanos;
            }
        }

        /** Router thread: true when the refusals are due to be told again (and marks them told). */
        boolean refusalNoticeDue(long intervalNanos) {
            if (refusals == null) {
                return false;
            }
            long now = System.nanoTime();
            if (now - nextNoticeNanos < 0) {
                return false;
            }
            nextNoticeNanos = now + intervalNanos;
            return true;
        }
    }
}
