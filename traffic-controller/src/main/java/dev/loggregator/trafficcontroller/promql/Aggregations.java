package dev.loggregator.trafficcontroller.promql;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Aggregation operators step by step (Prometheus {@code engine.go aggregation}): each input series
 * belongs to one group for the whole query (its labels do not change), so groups are found once and
 * each step only accumulates.
 */
final class Aggregations {
    private Aggregations() {
    }

    static List<StepSeries> aggregate(Expr.Aggregate node, List<StepSeries> input, double[] param, Steps steps) {
        Set<String> grouping = new HashSet<>(node.grouping());
        Map<Labels, Integer> groupIndex = new LinkedHashMap<>();
        int[] groupOf = new int[input.size()];
        for (int s = 0; s < input.size(); s++) {
            Labels labels = input.get(s).labels;
            Labels group;
            if (node.without()) {
                Set<String> drop = new HashSet<>(grouping);
                drop.add(Labels.METRIC_NAME);
                group = labels.without(drop);
            } else {
                group = labels.keepOnly(grouping);
            }
            groupOf[s] = groupIndex.computeIfAbsent(group, g -> groupIndex.size());
        }
        List<Labels> groups = new ArrayList<>(groupIndex.keySet());
        int n = steps.count();
        if (node.op() == AggregateOp.TOPK || node.op() == AggregateOp.BOTTOMK) {
            return selectK(node.op() == AggregateOp.TOPK, input, groupOf, groups.size(), param, n);
        }
        List<StepSeries> out = new ArrayList<>(groups.size());
        for (Labels group : groups) {
            out.add(new StepSeries(group, n));
        }
        int g = groups.size();
        double[] value = new double[g];
        double[] mean = new double[g];
        int[] count = new int[g];
        List<List<Double>> members = node.op() == AggregateOp.QUANTILE ? new ArrayList<>() : null;
        for (int step = 0; step < n; step++) {
            Arrays.fill(count, 0);
            if (members != null) {
                members.clear();
                for (int i = 0; i < g; i++) {
                    members.add(new ArrayList<>());
                }
            }
            for (int s = 0; s < input.size(); s++) {
                StepSeries series = input.get(s);
                if (!series.present[step]) {
                    continue;
                }
                accumulate(node.op(), groupOf[s], series.values[step], value, mean, count, members);
            }
            for (int i = 0; i < g; i++) {
                if (count[i] > 0) {
                    out.get(i).set(step, result(node.op(), i, value, mean, count, members, param == null ? 0 : param[step]));
                }
            }
        }
        return out;
    }

    private static void accumulate(AggregateOp op, int group, double v, double[] value, double[] mean, int[] count,
                                   List<List<Double>> members) {
        if (count[group]++ == 0) {
            value[group] = op == AggregateOp.STDDEV || op == AggregateOp.STDVAR ? 0 : v;
            mean[group] = v;
            if (members != null) {
                members.get(group).add(v);
            }
            return;
        }
        switch (op) {
            case SUM -> value[group] += v;
            case AVG -> mean[group] += (v - mean[group]) / count[group];
            case MAX -> {
                if (value[group] < v || Double.isNaN(value[group])) {
                    value[group] = v;
                }
            }
            case MIN -> {
                if (value[group] > v || Double.isNaN(value[group])) {
                    value[group] = v;
                }
            }
            case STDDEV, STDVAR -> {
                double delta = v - mean[group];
                mean[group] += delta / count[group];
                value[group] += delta * (v - mean[group]);
            }
            case QUANTILE -> members.get(group).add(v);
            default -> {
                // COUNT: the count is all
            }
        }
    }

    private static double result(AggregateOp op, int group, double[] value, double[] mean, int[] count,
                                 List<List<Double>> members, double param) {
        return switch (op) {
            case AVG -> mean[group];
            case COUNT -> count[group];
            case STDVAR -> value[group] / count[group];
            case STDDEV -> Math.sqrt(value[group] / count[group]);
            case QUANTILE -> quantile(param, members.get(group));
            default -> value[group];
        };
    }

    /** Prometheus's {@code quantile}: NaN sorts first; between two samples, weighted by where the rank falls. */
    static double quantile(double q, List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        if (q < 0) {
            return Double.NEGATIVE_INFINITY;
        }
        if (q > 1) {
            return Double.POSITIVE_INFINITY;
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
        sortNaNFirst(sorted);
        double n = sorted.length;
        double rank = q * (n - 1);
        double lower = Math.max(0, Math.floor(rank));
        double upper = Math.min(n - 1, lower + 1);
        double weight = rank - Math.floor(rank);
        return sorted[(int) lower] * (1 - weight) + sorted[(int) upper] * weight;
    }

    private static void sortNaNFirst(double[] values) {
        Arrays.sort(values);
        int nans = 0;
        for (double v : values) {
            if (Double.isNaN(v)) {
                nans++;
            }
        }
        if (nans > 0) {
            System.arraycopy(values, 0, values, nans, values.length - nans);
            Arrays.fill(values, 0, nans, Double.NaN);
        }
    }

    /**
     * topk and bottomk: per step and group the k largest (smallest) by value, earlier series winning ties and
     * NaN losing to any number; the chosen series keep their labels, largest (smallest) first.
     */
    private static List<StepSeries> selectK(boolean top, List<StepSeries> input, int[] groupOf, int groups, double[] param,
                                            int n) {
        Map<Integer, StepSeries> outputs = new LinkedHashMap<>();
        List<List<Integer>> chosen = new ArrayList<>(groups);
        for (int step = 0; step < n; step++) {
            double kValue = param[step];
            if (kValue > Long.MAX_VALUE || kValue < Long.MIN_VALUE) {
                throw PromQLException.execution("Scalar value " + dev.loggregator.wire.v2.GoFloats.formatG(kValue)
                        + " overflows int64");
            }
            long k = (long) kValue;
            if (k < 1) {
                continue;
            }
            chosen.clear();
            for (int i = 0; i < groups; i++) {
                chosen.add(new ArrayList<>());
            }
            for (int s = 0; s < input.size(); s++) {
                if (!input.get(s).present[step]) {
                    continue;
                }
                List<Integer> group = chosen.get(groupOf[s]);
                if (group.size() < k) {
                    group.add(s);
                    continue;
                }
                int worst = worst(top, group, input, step);
                double worstValue = input.get(group.get(worst)).values[step];
                double v = input.get(s).values[step];
                if (Double.isNaN(worstValue) || (top ? worstValue < v : worstValue > v)) {
                    group.set(worst, s);
                }
            }
            for (List<Integer> group : chosen) {
                final int at = step;
                group.sort((a, b) -> compareForOutput(top, input.get(a).values[at], input.get(b).values[at], a, b));
                for (int s : group) {
                    outputs.computeIfAbsent(s, i -> new StepSeries(input.get(i).labels, n)).set(step, input.get(s).values[step]);
                }
            }
        }
        return new ArrayList<>(outputs.values());
    }

    /** The member that would be replaced first: NaN, else the smallest (topk) or largest (bottomk), the latest on ties. */
    private static int worst(boolean top, List<Integer> group, List<StepSeries> input, int step) {
        int worst = 0;
        for (int i = 1; i < group.size(); i++) {
            double current = input.get(group.get(worst)).values[step];
            double candidate = input.get(group.get(i)).values[step];
            if (Double.isNaN(current)) {
                continue;
            }
            if (Double.isNaN(candidate) || (top ? candidate <= current : candidate >= current)) {
                worst = i;
            }
        }
        return worst;
    }

    private static int compareForOutput(boolean top, double a, double b, int ia, int ib) {
        if (Double.isNaN(a) || Double.isNaN(b)) {
            return Double.isNaN(a) == Double.isNaN(b) ? Integer.compare(ia, ib) : Double.isNaN(a) ? 1 : -1;
        }
        int byValue = top ? Double.compare(b, a) : Double.compare(a, b);
        return byValue != 0 ? byValue : Integer.compare(ia, ib);
    }
}
