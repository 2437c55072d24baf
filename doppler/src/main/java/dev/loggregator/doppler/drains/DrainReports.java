package dev.loggregator.doppler.drains;

import dev.loggregator.doppler.drains.transport.DrainStats;
import dev.loggregator.wire.drains.DrainReport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A Doppler's drains as the {@link DrainReport} its {@code /drains} answers. */
final class DrainReports {
    private DrainReports() {
    }

    static DrainReport of(String doppler, DrainTable table, String appId) {
        List<DrainReport.Drain> drains = new ArrayList<>();
        for (SyslogDrain drain : table.drains()) {
            String app = drain.binding().appId();
            if (appId != null && !appId.equals(app)) {
                continue;
            }
            DrainStats stats = drain.stats();
            drains.add(new DrainReport.Drain(app, drain.binding().hostname(), drain.endpoint().url().anonymous(),
                    drain.binding().source().label(), drain.options().data().label(), stats.state().label(),
                    stats.sent(), stats.dropped(), stats.errors(), drain.queued(), stats.lastError(),
                    stats.lastErrorMillis() == 0 ? null : Instant.ofEpochMilli(stats.lastErrorMillis()).toString()));
        }
        List<DrainReport.Refused> refused = new ArrayList<>();
        for (DrainTable.Refusal refusal : table.refusals) {
            if (appId == null || appId.equals(refusal.appId())) {
                refused.add(new DrainReport.Refused(refusal.appId(), refusal.url(), refusal.reason()));
            }
        }
        return new DrainReport(doppler, drains, refused);
    }
}
