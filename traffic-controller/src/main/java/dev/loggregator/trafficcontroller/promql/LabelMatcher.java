package dev.loggregator.trafficcontroller.promql;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** A selector's label matcher: {@code =}, {@code !=}, {@code =~}, {@code !~}; regexes match whole values, as Prometheus anchors them. */
public record LabelMatcher(String name, Type type, String value, Pattern pattern) {
    public enum Type {
        EQUAL("="), NOT_EQUAL("!="), REGEX("=~"), NOT_REGEX("!~");

        private final String symbol;

        Type(String symbol) {
            this.symbol = symbol;
        }

        public String symbol() {
            return symbol;
        }
    }

    /** @throws PromQLException for a regex that does not compile */
    public static LabelMatcher of(String name, Type type, String value) {
        Pattern pattern = null;
        if (type == Type.REGEX || type == Type.NOT_REGEX) {
            try {
                pattern = Pattern.compile(value);
            } catch (PatternSyntaxException e) {
                throw PromQLException.parse("error parsing regexp: " + e.getDescription() + ": `" + value + "`");
            }
        }
        return new LabelMatcher(name, type, value, pattern);
    }

    public boolean matches(String actual) {
        return switch (type) {
            case EQUAL -> actual.equals(value);
            case NOT_EQUAL -> !actual.equals(value);
            case REGEX -> pattern.matcher(actual).matches();
            case NOT_REGEX -> !pattern.matcher(actual).matches();
        };
    }

    /** Patterns compare by their source, so selectors with the same matchers are equal (and share their data). */
    @Override
    public boolean equals(Object other) {
        return other instanceof LabelMatcher that && name.equals(that.name) && type == that.type && value.equals(that.value);
    }

    @Override
    public int hashCode() {
        return (name.hashCode() * 31 + type.hashCode()) * 31 + value.hashCode();
    }

    @Override
    public String toString() {
        return name + type.symbol + GoText.quote(value);
    }
}
