package dev.loggregator.e2e.bench;

import dev.loggregator.e2e.launcher.ManagedProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** CPU time (user + system) of processes from {@code /proc/<pid>/stat} (Linux; clock ticks of 10 ms). */
final class ProcessCpu {
    private static final double TICK_SECONDS = 0.01;

    private ProcessCpu() {
    }

    /** CPU seconds used so far by all the given processes; NaN when one cannot be read. */
    static double seconds(List<ManagedProcess> processes) {
        double total = 0;
        for (ManagedProcess process : processes) {
            total += seconds(process.pid());
        }
        return total;
    }

    /** CPU nanoseconds used so far by one process; -1 when it cannot be read. */
    static long nanos(long pid) {
        double seconds = seconds(pid);
        return Double.isNaN(seconds) ? -1 : Math.round(seconds * 1e9);
    }

    static double seconds(long pid) {
        try {
            // Line by line: Files.readString trusts the size procfs reports and may read part of it.
            String stat = Files.readAllLines(Path.of("/proc", Long.toString(pid), "stat")).get(0);
            // Fields after the command name (which may hold spaces) start at the last ')'.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * TICK_SECONDS;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }
}
