package dev.loggregator.trafficcontroller.promql;

/** The selectors of an expression, in Prometheus's walk order (depth first, left to right; an aggregation's expression before its parameter). */
public final class Selectors {
    private Selectors() {
    }

    /** What a walk is told: each selector, with its range when a range selector holds it (else null). */
    @FunctionalInterface
    public interface Visitor {
        void visit(Expr.VectorSelector selector, Long rangeMillis);
    }

    public static void walk(Expr expr, Visitor visitor) {
        if (expr instanceof Expr.VectorSelector selector) {
            visitor.visit(selector, null);
        } else if (expr instanceof Expr.MatrixSelector matrix) {
            visitor.visit(matrix.selector(), matrix.rangeMillis());
        } else if (expr instanceof Expr.Paren paren) {
            walk(paren.expr(), visitor);
        } else if (expr instanceof Expr.Unary unary) {
            walk(unary.expr(), visitor);
        } else if (expr instanceof Expr.Binary binary) {
            walk(binary.lhs(), visitor);
            walk(binary.rhs(), visitor);
        } else if (expr instanceof Expr.Aggregate aggregate) {
            walk(aggregate.expr(), visitor);
            if (aggregate.param() != null) {
                walk(aggregate.param(), visitor);
            }
        } else if (expr instanceof Expr.Call call) {
            call.args().forEach(arg -> walk(arg, visitor));
        }
    }
}
