package dev.loggregator.trafficcontroller.promql;

import java.util.List;
import java.util.Locale;

/**
 * The functions evaluated: the range-vector functions Log Cache's clients use (with Prometheus's
 * extrapolation for rate, increase and delta) and a few elementwise ones.
 */
public enum Function {
    RATE(ValueType.MATRIX),
    IRATE(ValueType.MATRIX),
    INCREASE(ValueType.MATRIX),
    DELTA(ValueType.MATRIX),
    IDELTA(ValueType.MATRIX),
    AVG_OVER_TIME(ValueType.MATRIX),
    MAX_OVER_TIME(ValueType.MATRIX),
    MIN_OVER_TIME(ValueType.MATRIX),
    SUM_OVER_TIME(ValueType.MATRIX),
    COUNT_OVER_TIME(ValueType.MATRIX),
    LAST_OVER_TIME(ValueType.MATRIX),
    ABS(ValueType.VECTOR),
    CEIL(ValueType.VECTOR),
    FLOOR(ValueType.VECTOR),
    EXP(ValueType.VECTOR),
    SQRT(ValueType.VECTOR),
    LN(ValueType.VECTOR),
    LOG2(ValueType.VECTOR),
    LOG10(ValueType.VECTOR),
    SCALAR(ValueType.SCALAR, List.of(ValueType.VECTOR)),
    VECTOR(ValueType.VECTOR, List.of(ValueType.SCALAR)),
    TIME(ValueType.SCALAR, List.of());

    private final ValueType returnType;
    private final List<ValueType> argTypes;

    /** A function of one argument of {@code argType}, returning an instant vector. */
    Function(ValueType argType) {
        this(ValueType.VECTOR, List.of(argType));
    }

    Function(ValueType returnType, List<ValueType> argTypes) {
        this.returnType = returnType;
        this.argTypes = argTypes;
    }

    /** The function called {@code name}, or null. */
    public static Function named(String name) {
        for (Function function : values()) {
            if (function.functionName().equals(name)) {
                return function;
            }
        }
        return null;
    }

    public String functionName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public ValueType returnType() {
        return returnType;
    }

    public List<ValueType> argTypes() {
        return argTypes;
    }

    public boolean takesRange() {
        return argTypes.size() == 1 && argTypes.get(0) == ValueType.MATRIX;
    }
}
