package dev.loggregator.trafficcontroller.promql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Each query form of the subset against the answers Prometheus gives on the same samples
 * ({@link GoldenCases}, cross-checked with a real Prometheus by {@link PrometheusCrossCheckTest}),
 * evaluated by our parser and engine without any process.
 */
class GoldenQueryTest {
    private static final long NO_DEADLINE = System.nanoTime() + 3_600_000_000_000L;

    static QueryResult run(String query, Steps steps) {
        Expr expr = QueryParser.parse(query);
        return Evaluator.evaluate(expr, steps, GoldenData.selected(expr), 1_000_000, NO_DEADLINE);
    }

    /** The answer as labels (text form) to value, a scalar under "{}". */
    static Map<String, Double> answerOf(QueryResult result) {
        Map<String, Double> answer = new TreeMap<>();
        if (result instanceof QueryResult.Scalar scalar) {
            answer.put("{}", scalar.value());
        } else {
            for (QueryResult.Sample sample : ((QueryResult.Vector) result).samples()) {
                answer.put(text(sample.labels()), sample.value());
            }
        }
        return answer;
    }

    static String text(Labels labels) {
        StringBuilder out = new StringBuilder(labels.get(Labels.METRIC_NAME)).append('{');
        boolean first = true;
        for (int i = 0; i < labels.size(); i++) {
            if (!labels.name(i).equals(Labels.METRIC_NAME)) {
                out.append(first ? "" : ",").append(labels.name(i)).append("=\"").append(labels.value(i)).append('"');
                first = false;
            }
        }
        return out.append('}').toString();
    }

    @TestFactory
    Stream<DynamicTest> instantQueries() {
        return GoldenCases.instant().stream().map(c -> DynamicTest.dynamicTest(c.query() + " @" + c.time(), () -> {
            QueryResult result = run(c.query(), Steps.instant(c.time() * 1000));
            assertEquals(new TreeMap<>(c.expected()), answerOf(result));
            if (result instanceof QueryResult.Vector vector) {
                vector.samples().forEach(s -> assertEquals(c.time() * 1000, s.time(), "instant samples carry the query time"));
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> rangeQueries() {
        return GoldenCases.range().stream().map(c -> DynamicTest.dynamicTest(c.query(), () -> {
            QueryResult.Matrix matrix = (QueryResult.Matrix) run(c.query(), new Steps(c.start() * 1000, c.end() * 1000, c.step() * 1000));
            Map<Long, Map<String, Double>> byStep = new TreeMap<>();
            for (long t = c.start(); t <= c.end(); t += c.step()) {
                byStep.put(t, new TreeMap<>());
            }
            List<Labels> order = new ArrayList<>();
            for (QueryResult.Series series : matrix.series()) {
                order.add(series.labels());
                for (int i = 0; i < series.times().length; i++) {
                    byStep.get(series.times()[i] / 1000).put(text(series.labels()), series.values()[i]);
                }
            }
            Map<Long, Map<String, Double>> expected = new TreeMap<>();
            c.expected().forEach((t, answer) -> expected.put(t, new TreeMap<>(answer)));
            assertEquals(expected, byStep);
            List<Labels> sorted = new ArrayList<>(order);
            sorted.sort(null);
            assertEquals(sorted, order, "range results are sorted by labels");
        }));
    }

    @Test
    void aRangeSelectorAloneAnswersItsRawSamples() {
        QueryResult.Matrix matrix = (QueryResult.Matrix) run("cpu{job=\"db\"}[1m]", Steps.instant(600_000));
        assertEquals(1, matrix.series().size());
        assertEquals(List.of(540_000L, 555_000L, 570_000L, 585_000L, 600_000L),
                java.util.Arrays.stream(matrix.series().get(0).times()).boxed().toList(), "both ends of the window included");
    }

    @Test
    void topkAnswersLargestFirst() {
        List<QueryResult.Sample> samples = ((QueryResult.Vector) run("topk(3, cpu)", Steps.instant(600_000))).samples();
        assertEquals(List.of(50.0, 30.0, 7.0), samples.stream().map(QueryResult.Sample::value).toList());
        List<QueryResult.Sample> bottom = ((QueryResult.Vector) run("bottomk(2, cpu)", Steps.instant(600_000))).samples();
        assertEquals(List.of(7.0, 30.0), bottom.stream().map(QueryResult.Sample::value).toList());
    }

    @Test
    void typeErrorsAreParseErrorsWithPrometheussMessages() {
        assertParseError("sum(cpu[1m])", "expected type instant vector in aggregation expression, got range vector");
        assertParseError("rate(cpu)", "expected type range vector in call to function \"rate\", got instant vector");
        assertParseError("1 > 2", "comparisons between scalars must use BOOL modifier");
        assertParseError("cpu and 1", "set operator \"and\" not allowed in binary scalar expression");
        assertParseError("cpu + bool cpu", "bool modifier can only be used on comparison operators");
        assertParseError("nosuch(cpu)", "unknown function with name \"nosuch\"");
        assertParseError("rate(cpu[1m], 2)", "expected 1 argument(s) in call to \"rate\", got 2");
        assertParseError("topk(cpu)", "unexpected \")\" in aggregation, expected \",\"");
        assertParseError("{job=~\".*\"}", "vector selector must contain at least one non-empty matcher");
        assertParseError("cpu{__name__=\"x\"}", "metric name must not be set twice: \"cpu\" or \"x\"");
        assertParseError("cpu and on(job) group_left memory", "no grouping allowed for \"and\" operation");
        assertParseError("cpu{", "unexpected end of input");
        assertParseError("", "no expression found in input");
        assertParseError("-\"a\"", "unary expression only allowed on expressions of type scalar or instant vector, got \"string\"");
        assertTrue(assertThrows(PromQLException.class, () -> QueryParser.parse("cpu +")).getMessage()
                .startsWith("parse error at char 6: "));
    }

    @Test
    void keywordsAreCaseInsensitiveAndLabelNamesMayBeKeywords() {
        assertEquals(answerOf(run("sum by (job) (cpu)", Steps.instant(600_000))),
                answerOf(run("SUM BY (job) (cpu{by!=\"x\", on!=\"y\"})", Steps.instant(600_000))));
        assertEquals(Map.of("{}", Double.POSITIVE_INFINITY), answerOf(run("Inf", Steps.instant(0))));
        assertEquals(Map.of("{}", 255.0), answerOf(run("0xff", Steps.instant(0))));
        assertEquals(Map.of("{}", 9.0), answerOf(run("2 * 3 + 3 # a comment", Steps.instant(0))));
    }

    @Test
    void evaluationErrorsAsPrometheusGivesThem() {
        assertExecutionError("cpu / on(job) cpu", "found duplicate series for the match group {job=\"api\"} on the right "
                + "hand-side of the operation");
        assertExecutionError("{__name__=~\"cpu|memory\",instance=\"0\"} * 1", "vector cannot contain metrics with the same labelset");
        assertExecutionError("cpu - on() group_left cpu", "found duplicate series for the match group {} on the right hand-side");
        PromQLException tooMany = assertThrows(PromQLException.class, () -> Evaluator.evaluate(QueryParser.parse("cpu"),
                new Steps(0, 600_000, 15_000), GoldenData.selected(QueryParser.parse("cpu")), 50, NO_DEADLINE));
        assertEquals("query processing would load too many samples into memory in query execution", tooMany.getMessage());
    }

    private static void assertParseError(String query, String message) {
        PromQLException error = assertThrows(PromQLException.class, () -> QueryParser.parse(query), query);
        assertEquals(PromQLException.Kind.PARSE, error.kind());
        assertTrue(error.getMessage().startsWith("parse error at char ") && error.getMessage().endsWith(message),
                query + ": " + error.getMessage());
    }

    private static void assertExecutionError(String query, String message) {
        PromQLException error = assertThrows(PromQLException.class, () -> run(query, Steps.instant(600_000)), query);
        assertEquals(PromQLException.Kind.EXECUTION, error.kind());
        assertTrue(error.getMessage().startsWith(message), query + ": " + error.getMessage());
    }
}
