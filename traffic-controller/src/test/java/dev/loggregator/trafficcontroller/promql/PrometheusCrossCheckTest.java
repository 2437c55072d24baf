package dev.loggregator.trafficcontroller.promql;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The golden answers checked against a real Prometheus: Debian's {@code prometheus} package (installed
 * when missing, as root with apt-get; skipped with the reason when that fails) evaluates every golden
 * query on the same samples through {@code promtool test rules}, which loads the series in the same
 * expanding notation. A range query is checked step by step as instant queries. Prometheus 2.42
 * computes {@code avg} in another order than Log Cache's 2.13 does, so values are compared to 1e-12,
 * not bit for bit.
 */
class PrometheusCrossCheckTest {
    private static final Pattern FAILED = Pattern.compile(
            "expr: \"(.*)\", time: (\\S+),\\n\\s+exp: (.*)\\n\\s+got: (.*)");
    private static final Pattern SAMPLE = Pattern.compile("(\\{[^}]*\\}) (\\S+?)(?:,|$)");

    @Test
    void prometheusGivesTheGoldenAnswers(@TempDir Path dir) throws Exception {
        String promtool = promtool();
        Path tests = dir.resolve("golden.yml");
        Files.writeString(tests, testFile());
        Process process = new ProcessBuilder(promtool, "test", "rules", tests.toString()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "promtool did not finish");
        if (process.exitValue() == 0) {
            return;
        }
        Matcher failed = FAILED.matcher(output);
        List<String> mismatches = new ArrayList<>();
        int blocks = 0;
        while (failed.find()) {
            blocks++;
            Map<String, Double> expected = samples(failed.group(3));
            Map<String, Double> got = samples(failed.group(4));
            if (!close(expected, got)) {
                mismatches.add(failed.group(1) + " @" + failed.group(2) + ": ours " + expected + ", Prometheus " + got);
            }
        }
        if (blocks == 0 || !mismatches.isEmpty()) {
            fail("Prometheus answers otherwise:\n" + String.join("\n", mismatches) + "\n" + output);
        }
    }

    private static String testFile() {
        StringBuilder yaml = new StringBuilder("tests:\n  - interval: 15s\n    input_series:\n");
        GoldenData.SERIES.forEach((series, values) -> yaml.append("      - series: '").append(series)
                .append("'\n        values: '").append(values).append("'\n"));
        yaml.append("    promql_expr_test:\n");
        for (GoldenCases.Case c : GoldenCases.instant()) {
            exprTest(yaml, c.query(), c.time(), c.expected());
        }
        for (GoldenCases.RangeCase c : GoldenCases.range()) {
            c.expected().forEach((time, answer) -> exprTest(yaml, c.query(), time, answer));
        }
        return yaml.toString();
    }

    private static void exprTest(StringBuilder yaml, String query, long time, Map<String, Double> expected) {
        yaml.append("      - expr: '").append(query.replace("'", "''")).append("'\n        eval_time: ").append(time)
                .append("s\n        exp_samples:").append(expected.isEmpty() ? " []\n" : "\n");
        expected.forEach((labels, value) -> yaml.append("          - labels: '").append(labels.replace("'", "''"))
                .append("'\n            value: ").append(value).append('\n'));
    }

    /** promtool's sample lists: {@code {__name__="cpu", job="api"} 5E+01, {...} ...}, keyed without spaces. */
    private static Map<String, Double> samples(String text) {
        Map<String, Double> samples = new TreeMap<>();
        Matcher sample = SAMPLE.matcher(text);
        while (sample.find()) {
            samples.put(sample.group(1).replace(", ", ","), Double.parseDouble(sample.group(2).replace("Inf", "Infinity")));
        }
        return samples;
    }

    private static boolean close(Map<String, Double> expected, Map<String, Double> got) {
        if (!expected.keySet().equals(got.keySet())) {
            return false;
        }
        for (Map.Entry<String, Double> e : expected.entrySet()) {
            double a = e.getValue();
            double b = got.get(e.getKey());
            if (!(a == b || Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b)))) {
                return false;
            }
        }
        return true;
    }

    /** promtool from PATH, else from Debian's prometheus package installed now; the test is skipped when neither works. */
    private static String promtool() throws IOException, InterruptedException {
        String found = onPath("promtool");
        if (found != null) {
            return found;
        }
        String reason;
        if (onPath("apt-get") == null) {
            reason = "apt-get is not available";
        } else {
            Process install = new ProcessBuilder("sh", "-c",
                    "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus")
                    .redirectErrorStream(true).start();
            String output = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            boolean done = install.waitFor(10, TimeUnit.MINUTES);
            reason = done && install.exitValue() == 0 ? "promtool is still not on PATH" : "apt-get install prometheus failed: "
                    + output.lines().reduce((a, b) -> b).orElse("");
        }
        found = onPath("promtool");
        Assumptions.assumeTrue(found != null, "Prometheus cross-check skipped: " + reason);
        return found;
    }

    private static String onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File file = new File(dir, command);
            if (file.canExecute()) {
                return file.getPath();
            }
        }
        return null;
    }
}
