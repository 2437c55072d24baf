package dev.loggregator.trafficcontroller.logcache.promql;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.trafficcontroller.promql.Expr;
import dev.loggregator.trafficcontroller.promql.Labels;
import dev.loggregator.trafficcontroller.promql.PromQLException;
import dev.loggregator.trafficcontroller.promql.QueryParser;
import dev.loggregator.trafficcontroller.promql.QueryResult;
import dev.loggregator.trafficcontroller.promql.RawSeries;
import dev.loggregator.trafficcontroller.promql.Steps;
import dev.loggregator.wire.logcache.series.SeriesLink.Matcher;
import dev.loggregator.wire.logcache.series.SeriesLink.SelectionResult;
import dev.loggregator.wire.logcache.series.SeriesLink.Series;
import dev.loggregator.wire.logcache.series.SeriesLink.SeriesResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Log Cache's rules around the engine, without processes: what each selector reads, source ids, times and JSON. */
class LogCacheRulesTest {
    @Test
    void eachSelectorReadsItsSourcesOverItsOwnWindowUpToTheEnd() {
        Expr expr = QueryParser.parse("rate(requests{source_id=~\"a|b\",zone!=\"z\"}[1m]) + on(x) cpu{source_id=\"a\"}");
        List<LogCacheSelections.Selected> plan = LogCacheSelections.plan(expr, Steps.instant(1_000_000));
        assertEquals(2, plan.size());
        var rate = plan.get(0).selection();
        assertEquals(List.of("a", "b"), rate.getSourceIdsList());
        assertEquals("requests", rate.getMetric());
        assertEquals((1_000_000L - 60_000) * 1_000_000, rate.getStart(), "a 1m range needs only its minute");
        assertEquals(1_000_000L * 1_000_000, rate.getEnd(), "up to the query time, exclusive");
        assertEquals(false, rate.getLastOnly());
        assertEquals(List.of("source_id", "zone"), rate.getMatchersList().stream().map(Matcher::getName).toList());
        var cpu = plan.get(1).selection();
        assertEquals((1_000_000L - 300_000) * 1_000_000, cpu.getStart(), "the lookback of 5 minutes");
        assertTrue(cpu.getLastOnly(), "an instant query's plain selector needs each series' newest sample only");
        assertEquals(false, LogCacheSelections.plan(expr, new Steps(1_000_000, 2_000_000, 15_000)).get(1).selection().getLastOnly());
        assertEquals(false, LogCacheSelections.plan(QueryParser.parse("cpu{source_id=\"a\"} offset 1m"), Steps.instant(1_000_000))
                .get(0).selection().getLastOnly());
    }

    @Test
    void aSelectorWithoutSourceIdFailsAsLogCachesQuerier() {
        PromQLException error = assertThrows(PromQLException.class, () -> LogCacheSelections.plan(
                QueryParser.parse("cpu{source_id=\"a\"} / memory{source_id!=\"b\"}"), Steps.instant(0)));
        assertEquals("metric 'memory' does not have a 'source_id' label", error.getMessage());
        assertEquals(Set.of(), SourceIdAccess.sourceIds(QueryParser.parse("cpu{source_id!=\"a\"}")));
        assertEquals(Set.of("a", "b", "c"), SourceIdAccess.sourceIds(QueryParser.parse("cpu{source_id=\"a\"} + memory{source_id=~\"b|c\"}")));
    }

    @Test
    void appNamesAreRewrittenToTheirGuids() {
        Expr expr = QueryParser.parse("cpu{source_id=\"my-app\"} + memory{source_id=~\"my-app|g3\"}");
        Expr rewritten = SourceIdAccess.rewrite(expr, Map.of("my-app", List.of("g1", "g2"), "g3", List.of("g3")));
        Expr.Binary binary = (Expr.Binary) rewritten;
        assertEquals("source_id=~\"g1|g2\"", ((Expr.VectorSelector) binary.lhs()).matchers().get(0).toString());
        assertEquals("source_id=~\"g1|g2|g3\"", ((Expr.VectorSelector) binary.rhs()).matchers().get(0).toString());
        Expr single = SourceIdAccess.rewrite(QueryParser.parse("cpu{source_id=~\"a\"}"), Map.of("a", List.of("g1")));
        assertEquals("source_id=\"g1\"", ((Expr.VectorSelector) single).matchers().get(0).toString());
    }

    @Test
    void seriesFromSeveralDopplersMergeInTimeOrderTruncatedToTheSecond() {
        Expr expr = QueryParser.parse("cpu{source_id=\"a\"}");
        List<LogCacheSelections.Selected> plan = LogCacheSelections.plan(expr, Steps.instant(10_000));
        Series part1 = Series.newBuilder().setSourceId("a").addLabelNames("instance_id").addLabelValues("0")
                .addTimestamps(1_500_000_000L).addValues(1).addTimestamps(3_900_000_000L).addValues(3).build();
        Series part2 = part1.toBuilder().clearTimestamps().clearValues().addTimestamps(2_100_000_000L).addValues(2).build();
        Map<Expr.VectorSelector, List<RawSeries>> merged = DopplerSeries.merge(plan, List.of(
                SeriesResponse.newBuilder().addResults(SelectionResult.newBuilder().addSeries(part1)).build(),
                SeriesResponse.newBuilder().addResults(SelectionResult.newBuilder().addSeries(part2)).build()), 100);
        RawSeries series = merged.get((Expr.VectorSelector) expr).get(0);
        assertEquals(Labels.of("instance_id", "0", "source_id", "a"), series.labels(), "no __name__, source_id added");
        assertArrayEquals(new long[] {1000, 2000, 3000}, series.timestamps());
        assertArrayEquals(new double[] {1, 2, 3}, series.values());
        assertThrows(PromQLException.class, () -> DopplerSeries.merge(plan, List.of(
                SeriesResponse.newBuilder().addResults(SelectionResult.newBuilder().addSeries(part1)).build()), 1));
    }

    @Test
    void timesAndStepsAsLogCacheParsesThem() {
        assertEquals(1_700_000_000_500L, QueryTimes.parseTime("1700000000.5"));
        assertEquals(1_700_000_000_000L, QueryTimes.parseTime("2023-11-14T22:13:20Z"));
        assertEquals(1_700_000_000_123L, QueryTimes.parseTime("2023-11-14T23:13:20.123456+01:00"));
        assertEquals("cannot parse \"soon\" to a valid Unix or RFC3339 timestamp",
                assertThrows(IllegalArgumentException.class, () -> QueryTimes.parseTime("soon")).getMessage());
        assertEquals(15_000, QueryTimes.parseStep("15s"));
        assertEquals(15_000, QueryTimes.parseStep("15"));
        assertEquals(500, QueryTimes.parseStep("0.5"));
        assertEquals(5_400_000, QueryTimes.parseStep("1h30m"));
        assertEquals("cannot parse \"x\" to a valid step", assertThrows(IllegalArgumentException.class,
                () -> QueryTimes.parseStep("x")).getMessage());
        assertEquals("1700000000.000", QueryTimes.format(1_700_000_000_000L));
        assertEquals("-1.500", QueryTimes.format(-1500));
    }

    @Test
    void jsonAsGosEncoder() {
        QueryResult result = new QueryResult.Vector(List.of(new QueryResult.Sample(
                Labels.of("b", "<&>\u2028", "a", "\"\\\n\u0001"), 1_000, Double.NaN)));
        assertEquals("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{\"a\":\"\\\"\\\\\\n\\u0001\","
                + "\"b\":\"\\u003c\\u0026\\u003e\\u2028\"},\"value\":[1.000,\"NaN\"]}]}}\n",
                new String(PrometheusJson.success(result), StandardCharsets.UTF_8));
        assertEquals("{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[2.500,\"1000000000000000000000\"]}}\n",
                new String(PrometheusJson.success(new QueryResult.Scalar(2500, 1e21)), StandardCharsets.UTF_8));
        assertEquals("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":{},\"values\":"
                + "[[1.000,\"-0.5\"],[2.000,\"+Inf\"]]}]}}\n", new String(PrometheusJson.success(new QueryResult.Matrix(List.of(
                new QueryResult.Series(Labels.EMPTY, new long[] {1000, 2000}, new double[] {-0.5, Double.POSITIVE_INFINITY})))),
                StandardCharsets.UTF_8));
    }
}
