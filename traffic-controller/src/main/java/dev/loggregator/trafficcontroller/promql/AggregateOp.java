package dev.loggregator.trafficcontroller.promql;

import java.util.Locale;

/** The aggregation operators: those evaluated, and Prometheus's others, which parse but are refused. */
public enum AggregateOp {
    SUM, AVG, COUNT, MIN, MAX, STDDEV, STDVAR, TOPK, BOTTOMK, QUANTILE, COUNT_VALUES;

    public static AggregateOp of(String keyword) {
        return valueOf(keyword.toUpperCase(Locale.ROOT));
    }

    /** Whether it takes a parameter before the expression ({@code topk(3, ...)}). */
    public boolean hasParameter() {
        return this == TOPK || this == BOTTOMK || this == QUANTILE || this == COUNT_VALUES;
    }

    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }
}
