package dev.loggregator.trafficcontroller.promql;

import dev.loggregator.trafficcontroller.promql.Expr.VectorMatching;
import dev.loggregator.trafficcontroller.promql.Expr.VectorMatching.Cardinality;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Binary operators between two instant vectors, step by step (Prometheus {@code engine.go VectorBinop},
 * {@code VectorAnd/Or/Unless}): series pair up by their matching signature (the {@code on} labels, or all
 * labels but the {@code ignoring} ones and the metric name); one-to-one unless {@code group_left} or
 * {@code group_right}; the set operators keep whole series.
 */
final class VectorBinaryOps {
    private VectorBinaryOps() {
    }

    static List<StepSeries> apply(Expr.Binary node, List<StepSeries> lhs, List<StepSeries> rhs, int steps) {
        VectorMatching matching = node.matching();
        List<Labels> lhsSigs = signatures(lhs, matching);
        List<Labels> rhsSigs = signatures(rhs, matching);
        Map<Labels, StepSeries> out = new LinkedHashMap<>();
        for (int step = 0; step < steps; step++) {
            switch (node.op()) {
                case AND, UNLESS -> {
                    Set<Labels> right = presentSignatures(rhs, rhsSigs, step);
                    for (int i = 0; i < lhs.size(); i++) {
                        if (lhs.get(i).present[step] && right.contains(lhsSigs.get(i)) == (node.op() == BinaryOp.AND)) {
                            put(out, lhs.get(i).labels, step, lhs.get(i).values[step], steps);
                        }
                    }
                }
                case OR -> {
                    Set<Labels> left = presentSignatures(lhs, lhsSigs, step);
                    for (StepSeries series : lhs) {
                        if (series.present[step]) {
                            put(out, series.labels, step, series.values[step], steps);
                        }
                    }
                    for (int i = 0; i < rhs.size(); i++) {
                        if (rhs.get(i).present[step] && !left.contains(rhsSigs.get(i))) {
                            put(out, rhs.get(i).labels, step, rhs.get(i).values[step], steps);
                        }
                    }
                }
                default -> arithmeticOrComparison(node, lhs, rhs, lhsSigs, rhsSigs, step, steps, out);
            }
        }
        return new ArrayList<>(out.values());
    }

    private static void arithmeticOrComparison(Expr.Binary node, List<StepSeries> lhs, List<StepSeries> rhs,
                                               List<Labels> lhsSigs, List<Labels> rhsSigs, int step, int steps,
                                               Map<Labels, StepSeries> out) {
        VectorMatching matching = node.matching();
        boolean swapped = matching.cardinality() == Cardinality.ONE_TO_MANY;
        List<StepSeries> many = swapped ? rhs : lhs;
        List<Labels> manySigs = swapped ? rhsSigs : lhsSigs;
        List<StepSeries> one = swapped ? lhs : rhs;
        List<Labels> oneSigs = swapped ? lhsSigs : rhsSigs;
        Map<Labels, Integer> oneBySig = new HashMap<>();
        for (int i = 0; i < one.size(); i++) {
            if (!one.get(i).present[step]) {
                continue;
            }
            Integer duplicate = oneBySig.put(oneSigs.get(i), i);
            if (duplicate != null) {
                Labels matched = matchLabels(one.get(i).labels, matching);
                throw PromQLException.execution("found duplicate series for the match group " + matched + " on the "
                        + (swapped ? "left" : "right") + " hand-side of the operation: [" + one.get(i).labels + ", "
                        + one.get(duplicate).labels + "];many-to-many matching not allowed: matching labels must be unique on one side");
            }
        }
        Map<Labels, Set<Labels>> matched = new HashMap<>();
        for (int i = 0; i < many.size(); i++) {
            StepSeries m = many.get(i);
            if (!m.present[step]) {
                continue;
            }
            Integer o = oneBySig.get(manySigs.get(i));
            if (o == null) {
                continue;
            }
            double vl = m.values[step];
            double vr = one.get(o).values[step];
            if (swapped) {
                double t = vl;
                vl = vr;
                vr = t;
            }
            double value;
            boolean keep;
            if (node.op().isComparison()) {
                keep = node.op().holds(vl, vr);
                value = node.returnBool() ? (keep ? 1 : 0) : vl;
                keep = keep || node.returnBool();
            } else {
                value = node.op().apply(vl, vr);
                keep = true;
            }
            if (!keep) {
                continue;
            }
            Labels metric = resultMetric(m.labels, one.get(o).labels, node.op(), matching);
            Set<Labels> inserted = matched.get(manySigs.get(i));
            if (matching.cardinality() == Cardinality.ONE_TO_ONE) {
                if (inserted != null) {
                    throw PromQLException.execution(
                            "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)");
                }
                matched.put(manySigs.get(i), Set.of());
            } else {
                if (inserted == null) {
                    inserted = new HashSet<>();
                    matched.put(manySigs.get(i), inserted);
                } else if (inserted.contains(metric)) {
                    throw PromQLException.execution("multiple matches for labels: grouping labels must ensure unique matches");
                }
                inserted.add(metric);
            }
            put(out, metric, step, value, steps);
        }
    }

    private static Labels resultMetric(Labels many, Labels one, BinaryOp op, VectorMatching matching) {
        Labels result = op.dropsMetricName() ? many.withoutMetricName() : many;
        if (matching.cardinality() == Cardinality.ONE_TO_ONE) {
            result = matching.on() ? result.keepOnly(new HashSet<>(matching.labels())) : result.without(matching.labels());
        }
        for (String name : matching.include()) {
            String value = one.get(name);
            result = value.isEmpty() ? result.without(List.of(name)) : result.with(name, value);
        }
        return result;
    }

    /** Adds a step's value to the output series with these labels; two values for one series at one step is Prometheus's error. */
    static void put(Map<Labels, StepSeries> out, Labels labels, int step, double value, int steps) {
        StepSeries series = out.get(labels);
        if (series == null) {
            series = new StepSeries(labels, steps);
            out.put(labels, series);
        } else if (series.present[step]) {
            throw PromQLException.execution("vector cannot contain metrics with the same labelset");
        }
        series.set(step, value);
    }

    private static List<Labels> signatures(List<StepSeries> series, VectorMatching matching) {
        List<Labels> sigs = new ArrayList<>(series.size());
        for (StepSeries s : series) {
            sigs.add(matchLabels(s.labels, matching));
        }
        return sigs;
    }

    /** The labels two series must share to match: the {@code on} labels, or all but the {@code ignoring} ones and the name. */
    private static Labels matchLabels(Labels labels, VectorMatching matching) {
        if (matching.on()) {
            return labels.keepOnly(new HashSet<>(matching.labels()));
        }
        Set<String> drop = new HashSet<>(matching.labels());
        drop.add(Labels.METRIC_NAME);
        return labels.without(drop);
    }

    private static Set<Labels> presentSignatures(List<StepSeries> series, List<Labels> sigs, int step) {
        Set<Labels> present = new HashSet<>();
        for (int i = 0; i < series.size(); i++) {
            if (series.get(i).present[step]) {
                present.add(sigs.get(i));
            }
        }
        return present;
    }
}
