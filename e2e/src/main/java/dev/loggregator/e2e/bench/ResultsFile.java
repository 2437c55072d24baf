package dev.loggregator.e2e.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A run's results as JSON: {@code bench-<start>.json} and a copy as {@code latest.json}. */
final class ResultsFile {
    private ResultsFile() {
    }

    static Path write(Path outDir, List<ResultTable> results, Instant started, Map<String, Object> machine, String javaOpts)
            throws IOException {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("started", started.toString());
        document.put("finished", Instant.now().toString());
        document.put("machine", machine);
        document.put("load_average_at_end", Machine.loadAverage());
        document.put("component_java_opts", javaOpts);
        List<Map<String, Object>> scenarioList = new ArrayList<>();
        for (ResultTable table : results) {
            Map<String, Object> scenario = new LinkedHashMap<>();
            scenario.put("scenario", table.scenario);
            scenario.put("description", table.description);
            scenario.put("rows", table.rows);
            scenario.put("summary", table.summary);
            scenario.put("notes", table.notes);
            scenarioList.add(scenario);
        }
        document.put("scenarios", scenarioList);
        Files.createDirectories(outDir);
        Path file = outDir.resolve("bench-" + started.toString().replace(':', '-') + ".json");
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        json.writeValue(file.toFile(), document);
        Files.copy(file, outDir.resolve("latest.json"), StandardCopyOption.REPLACE_EXISTING);
        return file;
    }
}
