package dev.loggregator.trafficcontroller.promql;

/** What an expression evaluates to, named as Prometheus's messages name them. */
public enum ValueType {
    SCALAR("scalar"),
    VECTOR("instant vector"),
    MATRIX("range vector"),
    STRING("string");

    private final String documented;

    ValueType(String documented) {
        this.documented = documented;
    }

    /** The name used in error messages, e.g. {@code instant vector}. */
    public String documented() {
        return documented;
    }
}
