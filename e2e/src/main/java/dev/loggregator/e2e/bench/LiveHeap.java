package dev.loggregator.e2e.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JVM's live heap, measured from outside with the JDK's {@code jcmd}: a full GC ({@code GC.run}), then
 * {@code GC.heap_info}. With the Parallel or Serial collector a full GC leaves every live object in
 * the old generation and new allocations go to eden, so the old generation's used bytes (to the byte,
 * from its object space bounds) are the live heap, untouched by what threads allocate afterwards.
 * Other collectors: the first used figure, the whole heap's (to a KiB, or a MiB with ZGC).
 */
final class LiveHeap {
    private static final Pattern OBJECT_SPACE = Pattern.compile("object space .*\\[0x([0-9a-f]+),\\s*0x([0-9a-f]+),");
    private static final Pattern USED = Pattern.compile("used (\\d+)([KMG])");

    private LiveHeap() {
    }

    static long bytes(long pid) {
        jcmd(pid, "GC.run");
        String info = jcmd(pid, "GC.heap_info");
        String[] lines = info.split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains("ParOldGen") || lines[i].contains("tenured generation")) {
                for (int j = i + 1; j < lines.length; j++) {
                    Matcher space = OBJECT_SPACE.matcher(lines[j]);
                    if (space.find()) {
                        return Long.parseLong(space.group(2), 16) - Long.parseLong(space.group(1), 16);
                    }
                }
            }
        }
        Matcher used = USED.matcher(info);
        if (used.find()) {
            return Long.parseLong(used.group(1)) << switch (used.group(2)) {
                case "K" -> 10;
                case "M" -> 20;
                default -> 30;
            };
        }
        throw new IllegalStateException("no heap figure in jcmd GC.heap_info: " + info);
    }

    private static String jcmd(long pid, String command) {
        try {
            Process process = new ProcessBuilder(List.of("jcmd", Long.toString(pid), command)).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("jcmd " + pid + " " + command + " failed: " + output);
            }
            return output;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run jcmd (a JDK's bin on PATH is needed): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
