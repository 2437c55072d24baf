package dev.loggregator.trafficcontroller.promql;

import java.util.List;

/** What a query answers: a scalar, an instant vector, or a matrix (range queries, and range selectors in instant queries). */
public sealed interface QueryResult {
    /** Prometheus's {@code resultType}. */
    String resultType();

    record Scalar(long time, double value) implements QueryResult {
        @Override
        public String resultType() {
            return "scalar";
        }
    }

    record Sample(Labels labels, long time, double value) {
    }

    record Vector(List<Sample> samples) implements QueryResult {
        @Override
        public String resultType() {
            return "vector";
        }
    }

    record Series(Labels labels, long[] times, double[] values) {
    }

    record Matrix(List<Series> series) implements QueryResult {
        @Override
        public String resultType() {
            return "matrix";
        }
    }
}
