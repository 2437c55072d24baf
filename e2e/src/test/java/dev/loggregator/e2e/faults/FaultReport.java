package dev.loggregator.e2e.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The results table (Markdown, as in the README's "Fault tests" section), written after the run. */
final class FaultReport {
    private final String setup;
    private final List<String> rows = new ArrayList<>();

    FaultReport(String setup) {
        this.setup = setup;
    }

    synchronized void add(FaultProbe.Result result, String test) {
        rows.add("| " + result.fault() + " | " + result.accepted() + " | " + lost(result.lost()) + " | "
                + lost(result.held()) + " | " + noticed(result) + " | " + result.connectionsCut() + " | "
                + result.longestStallMillis() + " ms | " + result.flowAgainMillis() + " ms | "
                + result.duplicates() + " | `-Dtest=FaultToleranceTest#" + test + "` |");
        System.out.println("FAULT RESULT " + result);
    }

    private static String lost(Map<String, Long> lost) {
        return lost.values().stream().map(String::valueOf).collect(Collectors.joining(" / "));
    }

    private static String noticed(FaultProbe.Result result) {
        String counted = result.counted().isEmpty() ? "none counted"
                : result.counted().entrySet().stream().map(e -> e.getValue() + " " + e.getKey())
                        .collect(Collectors.joining(", "));
        return result.notices() + " notices; " + counted;
    }

    synchronized String markdown() {
        StringBuilder table = new StringBuilder(setup).append("\n\n")
                .append("| fault | accepted | lost (firehose / app streams / v2 read) | of these, still in Log Cache "
                        + "| noticed (client notices; drops in /metrics) | client connections cut | longest stall "
                        + "| flowing again after back | duplicates | test |\n")
                .append("|---|---|---|---|---|---|---|---|---|---|\n");
        rows.forEach(row -> table.append(row).append('\n'));
        return table.toString();
    }

    synchronized void write(Path file) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, markdown());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.println(markdown());
    }
}
