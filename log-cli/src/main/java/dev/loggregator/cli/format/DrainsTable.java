package dev.loggregator.cli.format;

import dev.loggregator.wire.drains.DrainReport;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * {@code logs drains}: one row per drain per Doppler (each Doppler writes the drains of the
 * envelopes it receives, so a drain has a state on every Doppler), then the bindings refused and why.
 * <pre>
 * app       drain                          doppler          state       sent   dropped   errors   last error
 * 6b1c...   syslog-tls://logs.example:6514 10.0.16.5:8081   connected   1042   0         0
 *
 * refused bindings:
 * 9a2f...   ftp://logs.example.org   Invalid Scheme ftp for syslog drain url ftp://logs.example.org
 * </pre>
 */
public final class DrainsTable {
    private DrainsTable() {
    }

    public static List<String> lines(DrainReport.Gathered gathered) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"app", "drain", "doppler", "state", "sent", "dropped", "errors", "last error"});
        List<String[]> refused = new ArrayList<>();
        for (DrainReport report : gathered.dopplers()) {
            for (DrainReport.Drain drain : report.drains()) {
                rows.add(new String[] {app(drain.appId()), drain.url(), report.doppler(), drain.state(),
                    Long.toString(drain.sent()), Long.toString(drain.dropped()), Long.toString(drain.errors()),
                    drain.lastError() == null ? "" : drain.lastError() + " (" + drain.lastErrorAt() + ")"});
            }
            for (DrainReport.Refused refusal : report.refused()) {
                String[] row = {app(refusal.appId()), refusal.url(), refusal.reason()};
                if (refused.stream().noneMatch(r -> java.util.Arrays.equals(r, row))) {
                    refused.add(row); // every Doppler refuses the same binding: once is enough
                }
            }
        }
        List<String> lines = new ArrayList<>();
        if (rows.size() > 1) {
            List<String[]> drains = new ArrayList<>(rows.subList(1, rows.size()));
            drains.sort(Comparator.<String[], String>comparing(r -> r[0]).thenComparing(r -> r[1]).thenComparing(r -> r[2]));
            List<String[]> sorted = new ArrayList<>();
            sorted.add(rows.get(0));
            sorted.addAll(drains);
            lines.addAll(columns(sorted));
        }
        if (!refused.isEmpty()) {
            if (!lines.isEmpty()) {
                lines.add("");
            }
            lines.add("refused bindings:");
            lines.addAll(columns(refused));
        }
        return lines;
    }

    private static String app(String appId) {
        return appId == null ? "(aggregate)" : appId;
    }

    private static List<String> columns(List<String[]> rows) {
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        List<String> lines = new ArrayList<>(rows.size());
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(row[i]);
                if (i < row.length - 1) {
                    line.append(" ".repeat(widths[i] - row[i].length() + 3));
                }
            }
            lines.add(line.toString().stripTrailing());
        }
        return lines;
    }
}
