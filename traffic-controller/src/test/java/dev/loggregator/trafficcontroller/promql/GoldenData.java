package dev.loggregator.trafficcontroller.promql;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fixed samples of the golden tests, written in promtool's expanding notation ({@code a+bxn} is
 * n+1 values from a in steps of b, {@code _} a missing sample) at one sample every 15 s from time 0, so
 * that the very same series can be fed to a real Prometheus ({@link PrometheusCrossCheckTest}).
 */
final class GoldenData {
    static final long INTERVAL_MILLIS = 15_000;

    /** Series in Prometheus's text form and their values. */
    static final Map<String, String> SERIES = new LinkedHashMap<>();

    static {
        // A counter going up 6 every 15 s (0.4/s); one that resets at 5m; one that starts at 100 at 9m.
        SERIES.put("http_requests_total{job=\"api\",instance=\"0\"}", "0+6x40");
        SERIES.put("http_requests_total{job=\"api\",instance=\"1\"}", "0+3x19 2+3x20");
        SERIES.put("http_requests_total{job=\"api\",instance=\"2\"}", "_x36 100+15x4");
        // Gauges: one rising, one falling that stops at 5m, one constant.
        SERIES.put("cpu{job=\"api\",instance=\"0\"}", "10+1x40");
        SERIES.put("cpu{job=\"api\",instance=\"1\"}", "50-1x20");
        SERIES.put("cpu{job=\"db\",instance=\"2\"}", "7+0x40");
        SERIES.put("memory{job=\"api\",instance=\"0\"}", "100+10x40");
    }

    private GoldenData() {
    }

    /** Every series with its samples. */
    static List<RawSeries> all() {
        List<RawSeries> all = new ArrayList<>();
        SERIES.forEach((series, values) -> all.add(expand(labels(series), values)));
        return all;
    }

    /** The series each selector of {@code expr} selects: every matcher applies, the metric name's too. */
    static Map<Expr.VectorSelector, List<RawSeries>> selected(Expr expr) {
        Map<Expr.VectorSelector, List<RawSeries>> data = new HashMap<>();
        Selectors.walk(expr, (selector, range) -> data.computeIfAbsent(selector, s -> {
            List<RawSeries> out = new ArrayList<>();
            for (RawSeries series : all()) {
                if (s.matchers().stream().allMatch(m -> m.matches(series.labels().get(m.name())))) {
                    out.add(series);
                }
            }
            return out;
        }));
        return data;
    }

    /** {@code name{a="1",b="2"}} or {@code {a="1"}}. */
    static Labels labels(String text) {
        Map<String, String> labels = new HashMap<>();
        int brace = text.indexOf('{');
        if (brace > 0) {
            labels.put(Labels.METRIC_NAME, text.substring(0, brace));
        }
        String body = text.substring(brace + 1, text.length() - 1);
        for (String pair : body.isEmpty() ? new String[0] : body.split(",")) {
            String[] kv = pair.split("=", 2);
            labels.put(kv[0].trim(), kv[1].trim().substring(1, kv[1].trim().length() - 1));
        }
        return Labels.of(labels);
    }

    private static RawSeries expand(Labels labels, String notation) {
        List<Double> values = new ArrayList<>();
        for (String term : notation.trim().split("\\s+")) {
            int times = term.contains("x") ? Integer.parseInt(term.substring(term.indexOf('x') + 1)) : 0;
            String start = term.contains("x") ? term.substring(0, term.indexOf('x')) : term;
            if (start.equals("_")) {
                for (int i = 0; i < Math.max(1, times); i++) {
                    values.add(null);
                }
                continue;
            }
            int sign = start.indexOf('+', 1) > 0 ? start.indexOf('+', 1) : start.indexOf('-', 1);
            double first = Double.parseDouble(sign > 0 ? start.substring(0, sign) : start);
            double step = sign > 0 ? Double.parseDouble(start.substring(sign)) : 0;
            for (int i = 0; i <= times; i++) {
                values.add(first + i * step);
            }
        }
        List<Long> times = new ArrayList<>();
        List<Double> present = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i) != null) {
                times.add(i * INTERVAL_MILLIS);
                present.add(values.get(i));
            }
        }
        return new RawSeries(labels, times.stream().mapToLong(Long::longValue).toArray(),
                present.stream().mapToDouble(Double::doubleValue).toArray());
    }
}
