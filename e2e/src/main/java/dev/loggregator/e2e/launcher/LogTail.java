package dev.loggregator.e2e.launcher;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The last lines of a log file, read from its end so a large log costs nothing. */
public final class LogTail {
    private static final int MAX_BYTES = 64 * 1024;

    private LogTail() {
    }

    public static List<String> lastLines(Path log, int lines) {
        if (!Files.isRegularFile(log)) {
            return List.of("<no log at " + log + ">");
        }
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long length = file.length();
            int size = (int) Math.min(length, MAX_BYTES);
            byte[] bytes = new byte[size];
            file.seek(length - size);
            file.readFully(bytes);
            String[] all = new String(bytes, StandardCharsets.UTF_8).split("\n");
            List<String> tail = new ArrayList<>();
            for (int i = Math.max(0, all.length - lines); i < all.length; i++) {
                tail.add(all[i]);
            }
            return tail;
        } catch (IOException e) {
            return List.of("<cannot read " + log + ": " + e.getMessage() + ">");
        }
    }
}
