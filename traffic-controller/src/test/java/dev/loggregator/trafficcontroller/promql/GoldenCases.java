package dev.loggregator.trafficcontroller.promql;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every query form of Log Cache's PromQL subset on {@link GoldenData}, with the answer Prometheus gives,
 * worked out by hand from its documented semantics (the arithmetic is written out where it is not
 * obvious). Times are seconds. Series (15 s apart): req0 = 0.4 t; req1 = 0.2 t, reset at 300 s to 2 then
 * + 0.2/s; req2 = 100 + (t - 540) from 540 s; cpu0 = 10 + t/15; cpu1 = 50 - t/15 up to 300 s; cpu2 = 7;
 * memory0 = 100 + 10 t/15.
 */
final class GoldenCases {
    /** One instant query and its answer: labels (Prometheus text form) to value; a scalar answers under "{}". */
    record Case(String query, long time, Map<String, Double> expected) {
    }

    /** One range query: per step (seconds), the answer at that step. */
    record RangeCase(String query, long start, long end, long step, Map<Long, Map<String, Double>> expected) {
    }

    private static final String API0 = "{instance=\"0\",job=\"api\"}";
    private static final String API1 = "{instance=\"1\",job=\"api\"}";
    private static final String API2 = "{instance=\"2\",job=\"api\"}";
    private static final String DB2 = "{instance=\"2\",job=\"db\"}";

    private GoldenCases() {
    }

    private static Map<String, Double> answer(Object... labelsAndValues) {
        Map<String, Double> answer = new LinkedHashMap<>();
        for (int i = 0; i < labelsAndValues.length; i += 2) {
            answer.put((String) labelsAndValues[i], ((Number) labelsAndValues[i + 1]).doubleValue());
        }
        return answer;
    }

    static List<Case> instant() {
        List<Case> cases = new ArrayList<>();
        // Selectors, matchers, the 5-minute lookback (cpu1's last sample is at 300 s) and offset.
        cases.add(new Case("cpu", 600, answer("cpu" + API0, 50, "cpu" + API1, 30, "cpu" + DB2, 7)));
        cases.add(new Case("cpu", 660, answer("cpu" + API0, 50, "cpu" + DB2, 7)));
        cases.add(new Case("cpu", 601, answer("cpu" + API0, 50, "cpu" + DB2, 7)));
        cases.add(new Case("cpu offset 5m", 600, answer("cpu" + API0, 30, "cpu" + API1, 30, "cpu" + DB2, 7)));
        cases.add(new Case("cpu{job=\"api\"}", 600, answer("cpu" + API0, 50, "cpu" + API1, 30)));
        cases.add(new Case("cpu{job!=\"api\"}", 600, answer("cpu" + DB2, 7)));
        cases.add(new Case("cpu{instance=~\"0|2\"}", 600, answer("cpu" + API0, 50, "cpu" + DB2, 7)));
        cases.add(new Case("cpu{instance!~\"0|2\"}", 600, answer("cpu" + API1, 30)));
        cases.add(new Case("cpu{job=~\"a.*\"}", 600, answer("cpu" + API0, 50, "cpu" + API1, 30)));
        cases.add(new Case("{__name__=\"memory\"}", 600, answer("memory" + API0, 500)));
        // rate: req0 over [540, 600] goes 216 -> 240 in 60 s; req1 50 -> 62; req2 100 -> 160 (its zero
        // point, 100 s before its first sample, is further than the window start: no extrapolation).
        cases.add(new Case("rate(http_requests_total[1m])", 600,
                answer("{instance=\"0\",job=\"api\"}", 0.4, API1, 0.2, API2, 1)));
        // req1 over [270, 330]: 54 57 | 2 5 8: the reset adds 57, so 8 - 54 + 57 = 11 in 60 s.
        cases.add(new Case("rate(http_requests_total[1m])", 330, answer(API0, 0.4, API1, 11.0 / 60)));
        cases.add(new Case("rate(http_requests_total[1m] offset 5m)", 600, answer(API0, 0.4, API1, 11.0 / 60)));
        // increase over 5m: req0 120 -> 240; req1 2 -> 62; req2's five samples cover 60 s of the 300 s
        // window; extrapolated to its zero point (100 s before, beyond 1.1 intervals: only half an interval,
        // 7.5 s) and to the end (0 s): 60 * 67.5 / 60.
        cases.add(new Case("increase(http_requests_total[5m])", 600, answer(API0, 120, API1, 60, API2, 67.5)));
        // increase over [550, 610]: 4 samples over 45 s, 5 s from the start and 10 s from the end
        // (both within 1.1 intervals): extrapolated to 60 s: req0 18 * 60/45, req1 9 * 60/45, req2 45 * 60/45.
        cases.add(new Case("increase(http_requests_total[1m])", 610, answer(API0, 24, API1, 12, API2, 60)));
        cases.add(new Case("delta(cpu[2m])", 600, answer(API0, 8, DB2, 0)));
        cases.add(new Case("irate(http_requests_total[1m])", 600, answer(API0, 0.4, API1, 0.2, API2, 1)));
        // req1's last two samples at 300 s are 57 then 2: a reset, so 2 over 15 s.
        cases.add(new Case("irate(http_requests_total[1m])", 300, answer(API0, 0.4, API1, 2.0 / 15)));
        cases.add(new Case("idelta(cpu[1m])", 600, answer(API0, 1, DB2, 0)));
        // Over [540, 600] cpu0 is 46 47 48 49 50.
        cases.add(new Case("avg_over_time(cpu[1m])", 600, answer(API0, 48, DB2, 7)));
        cases.add(new Case("max_over_time(cpu[1m])", 600, answer(API0, 50, DB2, 7)));
        cases.add(new Case("min_over_time(cpu[1m])", 600, answer(API0, 46, DB2, 7)));
        cases.add(new Case("sum_over_time(cpu[1m])", 600, answer(API0, 240, DB2, 35)));
        cases.add(new Case("count_over_time(cpu[1m])", 600, answer(API0, 5, DB2, 5)));
        cases.add(new Case("last_over_time(cpu[1m])", 600, answer("cpu" + API0, 50, "cpu" + DB2, 7)));
        // Over [270, 330]: cpu0 28..32, cpu1 32 31 30.
        cases.add(new Case("avg_over_time(cpu[1m])", 330, answer(API0, 30, API1, 31, DB2, 7)));
        // Aggregations at 600 s over cpu = 50, 30, 7.
        cases.add(new Case("sum(cpu)", 600, answer("{}", 87)));
        cases.add(new Case("sum by (job) (cpu)", 600, answer("{job=\"api\"}", 80, "{job=\"db\"}", 7)));
        cases.add(new Case("sum(cpu) by (job)", 600, answer("{job=\"api\"}", 80, "{job=\"db\"}", 7)));
        cases.add(new Case("sum without (instance) (cpu)", 600, answer("{job=\"api\"}", 80, "{job=\"db\"}", 7)));
        cases.add(new Case("avg by (job) (cpu)", 600, answer("{job=\"api\"}", 40, "{job=\"db\"}", 7)));
        cases.add(new Case("max(cpu)", 600, answer("{}", 50)));
        cases.add(new Case("min(cpu)", 600, answer("{}", 7)));
        cases.add(new Case("count(cpu)", 600, answer("{}", 3)));
        cases.add(new Case("count by (job) (cpu)", 600, answer("{job=\"api\"}", 2, "{job=\"db\"}", 1)));
        cases.add(new Case("stddev by (job) (cpu)", 600, answer("{job=\"api\"}", 10, "{job=\"db\"}", 0)));
        cases.add(new Case("quantile(0.5, cpu)", 600, answer("{}", 30)));
        cases.add(new Case("topk(2, cpu)", 600, answer("cpu" + API0, 50, "cpu" + API1, 30)));
        cases.add(new Case("bottomk(1, cpu)", 600, answer("cpu" + DB2, 7)));
        cases.add(new Case("topk by (job) (1, cpu)", 600, answer("cpu" + API0, 50, "cpu" + DB2, 7)));
        // Arithmetic and comparisons with scalars: arithmetic and bool drop the name, filters keep it.
        cases.add(new Case("cpu * 2", 600, answer(API0, 100, API1, 60, DB2, 14)));
        cases.add(new Case("cpu > 20", 600, answer("cpu" + API0, 50, "cpu" + API1, 30)));
        cases.add(new Case("cpu > bool 20", 600, answer(API0, 1, API1, 1, DB2, 0)));
        cases.add(new Case("100 - cpu{job=\"db\"}", 600, answer(DB2, 93)));
        cases.add(new Case("10 > cpu", 600, answer("cpu" + DB2, 7)));
        cases.add(new Case("-cpu{job=\"db\"}", 600, answer(DB2, -7)));
        // Between vectors: one-to-one on all labels but the name, on(), ignoring(), group_left, set operators.
        cases.add(new Case("memory / cpu", 600, answer(API0, 10)));
        cases.add(new Case("memory / on(instance) cpu", 600, answer("{instance=\"0\"}", 10)));
        cases.add(new Case("memory / ignoring(job) cpu", 600, answer("{instance=\"0\"}", 10)));
        cases.add(new Case("cpu - on(job) group_left sum by (job) (cpu)", 600, answer(API0, -30, API1, -50, DB2, 0)));
        cases.add(new Case("cpu and on(instance) memory", 600, answer("cpu" + API0, 50)));
        cases.add(new Case("cpu unless on(instance) memory", 600, answer("cpu" + API1, 30, "cpu" + DB2, 7)));
        cases.add(new Case("memory or cpu", 600, answer("memory" + API0, 500, "cpu" + API1, 30, "cpu" + DB2, 7)));
        // Scalars.
        cases.add(new Case("1 + 2", 600, answer("{}", 3)));
        cases.add(new Case("2 ^ 3 ^ 2", 600, answer("{}", 512)));
        cases.add(new Case("5 % 3", 600, answer("{}", 2)));
        cases.add(new Case("1 > bool 2", 600, answer("{}", 0)));
        cases.add(new Case("time()", 600, answer("{}", 600)));
        cases.add(new Case("scalar(cpu{job=\"db\"})", 600, answer("{}", 7)));
        cases.add(new Case("vector(1)", 600, answer("{}", 1)));
        cases.add(new Case("abs(-cpu{job=\"db\"})", 600, answer(DB2, 7)));
        return cases;
    }

    static List<RangeCase> range() {
        List<RangeCase> cases = new ArrayList<>();
        Map<Long, Map<String, Double>> rate = new LinkedHashMap<>();
        Map<Long, Map<String, Double>> average = new LinkedHashMap<>();
        for (long t = 300; t <= 600; t += 60) {
            // req1's window [240, 300] ends in its reset: 2 - 48 + 57 = 11 in 60 s; later 12 in 60 s. req2 needs two samples.
            double req1 = t == 300 ? 11.0 / 60 : 0.2;
            rate.put(t, t == 600 ? answer(API0, 0.4, API1, req1, API2, 1) : answer(API0, 0.4, API1, req1));
            // avg's running mean over the rates, as Prometheus 2.13 computes it: m += (v - m) / n.
            double mean = 0.4 + (req1 - 0.4) / 2;
            average.put(t, answer("{job=\"api\"}", t == 600 ? mean + (1 - mean) / 3 : mean));
        }
        cases.add(new RangeCase("rate(http_requests_total[1m])", 300, 600, 60, rate));
        cases.add(new RangeCase("avg by (job) (rate(http_requests_total[1m]))", 300, 600, 60, average));
        Map<Long, Map<String, Double>> stale = new LinkedHashMap<>();
        for (long t = 240; t <= 720; t += 60) {
            stale.put(t, t <= 600 ? answer("cpu" + API1, t == 240 ? 34 : 30) : answer());
        }
        cases.add(new RangeCase("cpu{instance=\"1\"}", 240, 720, 60, stale));
        return cases;
    }
}
