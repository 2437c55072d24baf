package dev.loggregator.cli.format;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loggregator.wire.drains.DrainReport;
import java.util.List;
import org.junit.jupiter.api.Test;

class DrainsTableTest {
    @Test
    void oneRowPerDrainPerDopplerThenEachRefusalOnce() {
        DrainReport.Refused refused = new DrainReport.Refused("app-b", "ftp://x", "Invalid Scheme ftp for syslog drain url ftp://x");
        DrainReport first = new DrainReport("10.0.0.1:8081", List.of(
                new DrainReport.Drain("app-a", "o.s.a", "syslog-tls://logs:6514", "manifest", "logs", "connected",
                        1042, 0, 0, 0, null, null),
                new DrainReport.Drain(null, "", "https-batch://collector/in", "aggregate", "all", "backing off",
                        10, 5, 3, 7, "the receiver answered 503", "2026-08-20T12:03:07Z")), List.of(refused));
        DrainReport second = new DrainReport("10.0.0.2:8081", List.of(
                new DrainReport.Drain("app-a", "o.s.a", "syslog-tls://logs:6514", "manifest", "logs", "idle",
                        0, 0, 0, 0, null, null)), List.of(refused));
        assertEquals(List.of(
                "app           drain                        doppler         state         sent   dropped   errors   last error",
                "(aggregate)   https-batch://collector/in   10.0.0.1:8081   backing off   10     5         3        the receiver answered 503 (2026-08-20T12:03:07Z)",
                "app-a         syslog-tls://logs:6514       10.0.0.1:8081   connected     1042   0         0",
                "app-a         syslog-tls://logs:6514       10.0.0.2:8081   idle          0      0         0",
                "",
                "refused bindings:",
                "app-b   ftp://x   Invalid Scheme ftp for syslog drain url ftp://x"),
                DrainsTable.lines(new DrainReport.Gathered(2, 2, List.of(first, second))));
    }

    @Test
    void nothingBoundIsNoLines() {
        assertEquals(List.of(), DrainsTable.lines(new DrainReport.Gathered(1, 1, List.of(new DrainReport("d", List.of(), List.of())))));
    }
}
