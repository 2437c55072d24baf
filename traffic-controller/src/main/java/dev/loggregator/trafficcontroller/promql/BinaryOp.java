package dev.loggregator.trafficcontroller.promql;

/** Binary operators: arithmetic, comparison and set operators. */
public enum BinaryOp {
    ADD("+"), SUB("-"), MUL("*"), DIV("/"), MOD("%"), POW("^"),
    EQL("=="), NEQ("!="), GTR(">"), LSS("<"), GTE(">="), LTE("<="),
    AND("and"), OR("or"), UNLESS("unless");

    private final String symbol;

    BinaryOp(String symbol) {
        this.symbol = symbol;
    }

    public String symbol() {
        return symbol;
    }

    public boolean isComparison() {
        return this == EQL || this == NEQ || this == GTR || this == LSS || this == GTE || this == LTE;
    }

    public boolean isSetOperator() {
        return this == AND || this == OR || this == UNLESS;
    }

    /** Arithmetic drops the metric name from its result, as Prometheus does. */
    public boolean dropsMetricName() {
        return !isComparison() && !isSetOperator();
    }

    public static BinaryOp of(String symbol) {
        for (BinaryOp op : values()) {
            if (op.symbol.equalsIgnoreCase(symbol)) {
                return op;
            }
        }
        throw new IllegalArgumentException(symbol);
    }

    /** Prometheus's arithmetic and comparisons on two numbers; comparisons answer 1 or 0 (scalar-scalar with bool). */
    public double apply(double lhs, double rhs) {
        return switch (this) {
            case ADD -> lhs + rhs;
            case SUB -> lhs - rhs;
            case MUL -> lhs * rhs;
            case DIV -> lhs / rhs;
            case MOD -> lhs % rhs; // IEEE remainder with the dividend's sign, as Go's math.Mod
            case POW -> goPow(lhs, rhs);
            case EQL -> lhs == rhs ? 1 : 0;
            case NEQ -> lhs != rhs ? 1 : 0;
            case GTR -> lhs > rhs ? 1 : 0;
            case LSS -> lhs < rhs ? 1 : 0;
            case GTE -> lhs >= rhs ? 1 : 0;
            case LTE -> lhs <= rhs ? 1 : 0;
            default -> throw new IllegalStateException(this + " is not arithmetic");
        };
    }

    /** For a comparison: whether it holds. */
    public boolean holds(double lhs, double rhs) {
        return apply(lhs, rhs) == 1;
    }

    /** Go's {@code math.Pow}, which differs from Java's where the base is 1, or -1 to an infinite power. */
    private static double goPow(double base, double exponent) {
        if (base == 1 || (base == -1 && Double.isInfinite(exponent))) {
            return 1;
        }
        return Math.pow(base, exponent);
    }
}
