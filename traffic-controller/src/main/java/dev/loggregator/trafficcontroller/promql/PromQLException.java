package dev.loggregator.trafficcontroller.promql;

/** A query that cannot be parsed or evaluated, with the message Prometheus's engine gives for it. */
public final class PromQLException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Where it failed: parsing and type checks, or evaluation (including too many samples and timeouts). */
    public enum Kind { PARSE, EXECUTION }

    private final Kind kind;

    public PromQLException(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public static PromQLException parse(String message) {
        return new PromQLException(Kind.PARSE, message);
    }

    public static PromQLException execution(String message) {
        return new PromQLException(Kind.EXECUTION, message);
    }

    public Kind kind() {
        return kind;
    }
}
