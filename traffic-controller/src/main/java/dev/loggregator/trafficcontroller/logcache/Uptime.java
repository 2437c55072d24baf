package dev.loggregator.trafficcontroller.logcache;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** The machine's uptime in whole seconds, which Log Cache's info endpoint reports as {@code vm_uptime}. */
final class Uptime {
    private static final Path PROC_UPTIME = Path.of("/proc/uptime");

    private Uptime() {
    }

    static long seconds() {
        try {
            String first = Files.readString(PROC_UPTIME).trim().split("\\s+")[0];
            return (long) Double.parseDouble(first);
        } catch (IOException | RuntimeException e) {
            // No /proc (not Linux): the process's own uptime is the best we have.
            return ManagementFactory.getRuntimeMXBean().getUptime() / 1000;
        }
    }
}
