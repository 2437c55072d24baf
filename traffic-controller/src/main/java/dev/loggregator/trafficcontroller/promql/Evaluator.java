package dev.loggregator.trafficcontroller.promql;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates a parsed query over fetched series at every step at once, with the semantics of Prometheus
 * 2's engine (the one Log Cache embeds): instant vector selectors take the newest sample at or before
 * the step within the 5-minute lookback, unless it is a staleness marker; range functions see
 * {@link RangeWindows}; results of range queries are sorted by labels. Instant vectors are columns of
 * per-step values ({@link StepSeries}), so labels are worked out once per series, not once per step.
 */
public final class Evaluator {
    public static final long LOOKBACK_MILLIS = 5 * 60_000;
    private static final String TOO_MANY_SAMPLES = "query processing would load too many samples into memory in query execution";

    private final Steps steps;
    private final Map<Expr.VectorSelector, List<RawSeries>> data;
    private final long maxSamples;
    private final long deadlineNanos;
    private long samples;

    private Evaluator(Steps steps, Map<Expr.VectorSelector, List<RawSeries>> data, long maxSamples, long deadlineNanos) {
        this.steps = steps;
        this.data = data;
        this.maxSamples = maxSamples;
        this.deadlineNanos = deadlineNanos;
    }

    /**
     * @param data the series of every selector of {@code expr}, as the selector's matchers select them
     * @throws PromQLException (kind EXECUTION) for what Prometheus's engine refuses while evaluating
     */
    public static QueryResult evaluate(Expr expr, Steps steps, Map<Expr.VectorSelector, List<RawSeries>> data,
                                       long maxSamples, long deadlineNanos) {
        return new Evaluator(steps, data, maxSamples, deadlineNanos).result(expr);
    }

    private QueryResult result(Expr expr) {
        Expr inner = expr;
        while (inner instanceof Expr.Paren paren) {
            inner = paren.expr();
        }
        if (inner instanceof Expr.MatrixSelector matrix) {
            return rangeSelection(matrix);
        }
        if (inner.type() == ValueType.STRING) {
            throw PromQLException.execution("string results are not supported");
        }
        Object value = eval(inner);
        int n = steps.count();
        if (value instanceof double[] scalar) {
            if (steps.isInstant()) {
                return new QueryResult.Scalar(steps.start(), scalar[0]);
            }
            long[] times = new long[n];
            for (int i = 0; i < n; i++) {
                times[i] = steps.at(i);
            }
            return new QueryResult.Matrix(n == 0 ? List.of() : List.of(new QueryResult.Series(Labels.EMPTY, times, scalar)));
        }
        List<StepSeries> vector = vector(value);
        if (steps.isInstant()) {
            List<QueryResult.Sample> out = new ArrayList<>();
            for (StepSeries series : vector) {
                if (series.present[0]) {
                    out.add(new QueryResult.Sample(series.labels, steps.start(), series.values[0]));
                }
            }
            return new QueryResult.Vector(out);
        }
        List<QueryResult.Series> out = new ArrayList<>();
        for (StepSeries series : vector) {
            int count = 0;
            for (boolean p : series.present) {
                count += p ? 1 : 0;
            }
            if (count == 0) {
                continue;
            }
            long[] times = new long[count];
            double[] values = new double[count];
            for (int i = 0, j = 0; i < n; i++) {
                if (series.present[i]) {
                    times[j] = steps.at(i);
                    values[j++] = series.values[i];
                }
            }
            out.add(new QueryResult.Series(series.labels, times, values));
        }
        out.sort(Comparator.comparing(QueryResult.Series::labels));
        return new QueryResult.Matrix(out);
    }

    /** A range selector at the top of an instant query: the raw samples of its window, per series. */
    private QueryResult rangeSelection(Expr.MatrixSelector matrix) {
        long offset = matrix.selector().offsetMillis();
        List<QueryResult.Series> out = new ArrayList<>();
        for (RawSeries series : selected(matrix.selector())) {
            RangeWindows window = new RangeWindows(series);
            int n = window.advance(steps.start() - offset, matrix.rangeMillis());
            if (n == 0) {
                continue;
            }
            charge(n);
            long[] times = new long[n];
            double[] values = new double[n];
            for (int i = 0; i < n; i++) {
                times[i] = window.time(i);
                values[i] = window.value(i);
            }
            out.add(new QueryResult.Series(series.labels(), times, values));
        }
        return new QueryResult.Matrix(out);
    }

    /** A scalar as {@code double[]} (one value per step) or an instant vector as {@code List<StepSeries>}. */
    private Object eval(Expr expr) {
        checkDeadline();
        if (expr instanceof Expr.NumberLiteral number) {
            return constant(number.value());
        }
        if (expr instanceof Expr.Paren paren) {
            return eval(paren.expr());
        }
        if (expr instanceof Expr.VectorSelector selector) {
            return instantSelection(selector);
        }
        if (expr instanceof Expr.Call call) {
            return call(call);
        }
        if (expr instanceof Expr.Aggregate aggregate) {
            return Aggregations.aggregate(aggregate, vector(eval(aggregate.expr())),
                    aggregate.param() == null ? null : (double[]) eval(aggregate.param()), steps);
        }
        if (expr instanceof Expr.Binary binary) {
            return binary(binary);
        }
        if (expr instanceof Expr.Unary unary) {
            return unary(unary);
        }
        // A range selector is only ever a function's argument or a whole instant query; strings only a whole query.
        throw PromQLException.execution("cannot evaluate a " + expr.type().documented() + " here");
    }

    private double[] constant(double value) {
        double[] values = new double[steps.count()];
        Arrays.fill(values, value);
        return values;
    }

    @SuppressWarnings("unchecked")
    private static List<StepSeries> vector(Object value) {
        return (List<StepSeries>) value;
    }

    private List<RawSeries> selected(Expr.VectorSelector selector) {
        List<RawSeries> series = data.get(selector);
        return series == null ? List.of() : series;
    }

    /** An instant vector selector at each step: the newest sample at or before it, within the lookback. */
    private List<StepSeries> instantSelection(Expr.VectorSelector selector) {
        int n = steps.count();
        List<StepSeries> out = new ArrayList<>();
        for (RawSeries raw : selected(selector)) {
            StepSeries series = new StepSeries(raw.labels(), n);
            long[] t = raw.timestamps();
            int next = 0;
            for (int step = 0; step < n; step++) {
                long ref = steps.at(step) - selector.offsetMillis();
                while (next < t.length && t[next] < ref) {
                    next++;
                }
                int at;
                if (next < t.length && t[next] == ref) {
                    at = next;
                } else if (next > 0 && t[next - 1] >= ref - LOOKBACK_MILLIS) {
                    at = next - 1;
                } else {
                    continue;
                }
                if (!RawSeries.isStale(raw.values()[at])) {
                    series.set(step, raw.values()[at]);
                }
            }
            if (series.any()) {
                charge(n);
                out.add(series);
            }
        }
        return out;
    }

    private Object call(Expr.Call call) {
        Function function = call.function();
        if (function.takesRange()) {
            return rangeFunction(function, (Expr.MatrixSelector) call.args().get(0));
        }
        int n = steps.count();
        switch (function) {
            case TIME -> {
                double[] times = new double[n];
                for (int i = 0; i < n; i++) {
                    times[i] = steps.at(i) / 1000.0;
                }
                return times;
            }
            case VECTOR -> {
                double[] scalar = (double[]) eval(call.args().get(0));
                StepSeries series = new StepSeries(Labels.EMPTY, n);
                for (int i = 0; i < n; i++) {
                    series.set(i, scalar[i]);
                }
                return new ArrayList<>(List.of(series));
            }
            case SCALAR -> {
                List<StepSeries> vector = vector(eval(call.args().get(0)));
                double[] out = new double[n];
                for (int i = 0; i < n; i++) {
                    int present = 0;
                    for (StepSeries series : vector) {
                        if (series.present[i]) {
                            present++;
                            out[i] = series.values[i];
                        }
                    }
                    if (present != 1) {
                        out[i] = Double.NaN;
                    }
                }
                return out;
            }
            default -> {
                List<StepSeries> input = vector(eval(call.args().get(0)));
                List<StepSeries> out = new ArrayList<>(input.size());
                for (StepSeries series : input) {
                    StepSeries mapped = new StepSeries(series.labels.withoutMetricName(), n);
                    for (int i = 0; i < n; i++) {
                        if (series.present[i]) {
                            mapped.set(i, elementwise(function, series.values[i]));
                        }
                    }
                    out.add(mapped);
                }
                return merged(out);
            }
        }
    }

    private static double elementwise(Function function, double v) {
        return switch (function) {
            case ABS -> Math.abs(v);
            case CEIL -> Math.ceil(v);
            case FLOOR -> Math.floor(v);
            case EXP -> Math.exp(v);
            case SQRT -> Math.sqrt(v);
            case LN -> Math.log(v);
            case LOG2 -> Math.log(v) / Math.log(2);
            case LOG10 -> Math.log10(v);
            default -> throw new IllegalArgumentException(function.functionName());
        };
    }

    /**
     * A range-vector function, series by series over the steps; the metric name is dropped from the result,
     * except by last_over_time (which Prometheus added later than the others, keeping the name).
     */
    private List<StepSeries> rangeFunction(Function function, Expr.MatrixSelector matrix) {
        int n = steps.count();
        long range = matrix.rangeMillis();
        long offset = matrix.selector().offsetMillis();
        List<StepSeries> out = new ArrayList<>();
        for (RawSeries raw : selected(matrix.selector())) {
            checkDeadline();
            RangeWindows window = new RangeWindows(raw);
            Labels labels = function == Function.LAST_OVER_TIME ? raw.labels() : raw.labels().withoutMetricName();
            StepSeries series = new StepSeries(labels, n);
            for (int step = 0; step < n; step++) {
                long t = steps.at(step);
                int size = window.advance(t - offset, range);
                if (size == 0) {
                    continue;
                }
                double value = RangeFunctions.apply(function, window, size, t, range, offset);
                if (!RangeFunctions.isNone(value)) {
                    series.set(step, value);
                }
            }
            if (series.any()) {
                charge(n);
                out.add(series);
            }
        }
        for (int i = 0; i < out.size(); i++) {
            for (int j = i + 1; j < out.size(); j++) {
                if (out.get(i).labels.equals(out.get(j).labels)) {
                    throw PromQLException.execution("vector cannot contain metrics with the same labelset");
                }
            }
        }
        return out;
    }

    private Object binary(Expr.Binary binary) {
        Object lhs = eval(binary.lhs());
        Object rhs = eval(binary.rhs());
        int n = steps.count();
        if (lhs instanceof double[] l && rhs instanceof double[] r) {
            double[] out = new double[n];
            for (int i = 0; i < n; i++) {
                out[i] = binary.op().apply(l[i], r[i]);
            }
            return out;
        }
        if (lhs instanceof double[] scalar) {
            return vectorScalar(binary, vector(rhs), scalar, true);
        }
        if (rhs instanceof double[] scalar) {
            return vectorScalar(binary, vector(lhs), scalar, false);
        }
        List<StepSeries> out = VectorBinaryOps.apply(binary, vector(lhs), vector(rhs), n);
        charge((long) out.size() * n);
        return out;
    }

    /** A vector and a scalar: comparisons filter (keeping the vector's value) unless {@code bool}; arithmetic and bool drop the name. */
    private List<StepSeries> vectorScalar(Expr.Binary binary, List<StepSeries> vector, double[] scalar, boolean scalarFirst) {
        int n = steps.count();
        BinaryOp op = binary.op();
        List<StepSeries> out = new ArrayList<>(vector.size());
        for (StepSeries series : vector) {
            Labels labels = op.dropsMetricName() || binary.returnBool() ? series.labels.withoutMetricName() : series.labels;
            StepSeries result = new StepSeries(labels, n);
            for (int i = 0; i < n; i++) {
                if (!series.present[i]) {
                    continue;
                }
                double lv = scalarFirst ? scalar[i] : series.values[i];
                double rv = scalarFirst ? series.values[i] : scalar[i];
                if (op.isComparison()) {
                    boolean holds = op.holds(lv, rv);
                    if (binary.returnBool()) {
                        result.set(i, holds ? 1 : 0);
                    } else if (holds) {
                        result.set(i, series.values[i]);
                    }
                } else {
                    result.set(i, op.apply(lv, rv));
                }
            }
            out.add(result);
        }
        return merged(out);
    }

    private Object unary(Expr.Unary unary) {
        Object value = eval(unary.expr());
        if (!unary.negate()) {
            return value;
        }
        if (value instanceof double[] scalar) {
            double[] out = new double[scalar.length];
            for (int i = 0; i < scalar.length; i++) {
                out[i] = -scalar[i];
            }
            return out;
        }
        List<StepSeries> out = new ArrayList<>();
        for (StepSeries series : vector(value)) {
            StepSeries negated = new StepSeries(series.labels.withoutMetricName(), steps.count());
            for (int i = 0; i < steps.count(); i++) {
                if (series.present[i]) {
                    negated.set(i, -series.values[i]);
                }
            }
            out.add(negated);
        }
        return merged(out);
    }

    /** Series whose labels became equal are one series, unless both have a value at the same step (Prometheus's error). */
    private List<StepSeries> merged(List<StepSeries> series) {
        Map<Labels, StepSeries> out = new LinkedHashMap<>();
        for (StepSeries s : series) {
            for (int i = 0; i < s.present.length; i++) {
                if (s.present[i]) {
                    VectorBinaryOps.put(out, s.labels, i, s.values[i], steps.count());
                }
            }
        }
        return new ArrayList<>(out.values());
    }

    private void charge(long count) {
        samples += count;
        if (samples > maxSamples) {
            throw PromQLException.execution(TOO_MANY_SAMPLES);
        }
    }

    private void checkDeadline() {
        if (System.nanoTime() - deadlineNanos > 0) {
            throw PromQLException.execution("query timed out in expression evaluation");
        }
    }
}
