package dev.loggregator.e2e.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A process's CPU time (user + system) from {@code /proc/<pid>/stat} (Linux), in nanoseconds; -1 when unknown. */
final class ProcessCpu {
    /** USER_HZ, which is 100 on every Linux this runs on ({@code getconf CLK_TCK}). */
    private static final long TICK_NANOS = 10_000_000L;

    private ProcessCpu() {
    }

    static long nanos(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * TICK_NANOS;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
