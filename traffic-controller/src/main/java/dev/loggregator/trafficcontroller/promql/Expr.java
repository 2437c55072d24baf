package dev.loggregator.trafficcontroller.promql;

import java.util.List;

/** A parsed, type-checked PromQL expression. Durations and offsets are milliseconds. */
public sealed interface Expr {
    ValueType type();

    record NumberLiteral(double value) implements Expr {
        @Override
        public ValueType type() {
            return ValueType.SCALAR;
        }
    }

    record StringLiteral(String value) implements Expr {
        @Override
        public ValueType type() {
            return ValueType.STRING;
        }
    }

    /** {@code name{matchers} offset d}; the name, if given, is also a {@code __name__} matcher, as in Prometheus. */
    record VectorSelector(String name, List<LabelMatcher> matchers, long offsetMillis) implements Expr {
        @Override
        public ValueType type() {
            return ValueType.VECTOR;
        }
    }

    /** {@code selector[range]}. */
    record MatrixSelector(VectorSelector selector, long rangeMillis) implements Expr {
        @Override
        public ValueType type() {
            return ValueType.MATRIX;
        }
    }

    record Call(Function function, List<Expr> args) implements Expr {
        @Override
        public ValueType type() {
            return function.returnType();
        }
    }

    /** {@code op by|without (grouping) ([param,] expr)}. */
    record Aggregate(AggregateOp op, Expr expr, Expr param, List<String> grouping, boolean without) implements Expr {
        @Override
        public ValueType type() {
            return ValueType.VECTOR;
        }
    }

    /** {@code lhs op [bool] [on|ignoring (labels) [group_left|group_right (labels)]] rhs}; {@code matching} is null unless both sides are vectors. */
    record Binary(BinaryOp op, Expr lhs, Expr rhs, boolean returnBool, VectorMatching matching) implements Expr {
        @Override
        public ValueType type() {
            return lhs.type() == ValueType.SCALAR && rhs.type() == ValueType.SCALAR ? ValueType.SCALAR : ValueType.VECTOR;
        }
    }

    record Unary(boolean negate, Expr expr) implements Expr {
        @Override
        public ValueType type() {
            return expr.type();
        }
    }

    record Paren(Expr expr) implements Expr {
        @Override
        public ValueType type() {
            return expr.type();
        }
    }

    /** How the two vectors of a binary operation pair up. */
    record VectorMatching(Cardinality cardinality, boolean on, List<String> labels, List<String> include) {
        public enum Cardinality { ONE_TO_ONE, MANY_TO_ONE, ONE_TO_MANY, MANY_TO_MANY }
    }
}
