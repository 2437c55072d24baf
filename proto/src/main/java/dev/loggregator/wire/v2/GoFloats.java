package dev.loggregator.wire.v2;

import java.math.BigDecimal;

/**
 * Go's text forms of a float64, which clients and golden files compare against: {@code fmt.Sprint}
 * ({@code %v}: shortest digits, exponent form below 1e-4 and from 1e6 on) and protojson's numbers
 * (shortest digits, exponent form below 1e-6 and from 1e21 on, NaN and infinities as strings).
 */
public final class GoFloats {
    private GoFloats() {
    }

    /** {@code fmt.Sprint(value)} for a float64, e.g. {@code 0.5}, {@code 123456}, {@code 1e+06}, {@code +Inf}. */
    public static String formatG(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        if (value == 0) {
            return isNegative(value) ? "-0" : "0";
        }
        Digits digits = Digits.of(value);
        int exponent = digits.pointPosition - 1;
        return exponent < -4 || exponent >= 6 ? digits.exponentForm(false) : digits.plainForm();
    }

    /**
     * protojson's JSON text of a double: a bare number ({@code 100}, {@code 0.42}, {@code 1e+21},
     * {@code 1e-7}), or the quoted strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}.
     */
    public static String formatJson(double value) {
        if (Double.isNaN(value)) {
            return "\"NaN\"";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "\"Infinity\"" : "\"-Infinity\"";
        }
        if (value == 0) {
            return isNegative(value) ? "-0" : "0";
        }
        double abs = Math.abs(value);
        Digits digits = Digits.of(value);
        return abs < 1e-6 || abs >= 1e21 ? digits.exponentForm(true) : digits.plainForm();
    }

    /**
     * Go's {@code strconv.FormatFloat(value, 'f', -1, 64)}: the shortest digits that read back, never an
     * exponent ({@code 1e21} is {@code 1000000000000000000000}), {@code NaN}, {@code +Inf}, {@code -Inf}. How
     * Prometheus's HTTP API writes sample values.
     */
    public static String formatF(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        if (value == 0) {
            return isNegative(value) ? "-0" : "0";
        }
        return Digits.of(value).plainForm();
    }

    private static boolean isNegative(double value) {
        return Double.doubleToRawLongBits(value) < 0;
    }

    /** The shortest decimal digits that read back as the double, and where the decimal point goes. */
    private record Digits(boolean negative, String digits, int pointPosition) {
        static Digits of(double value) {
            BigDecimal decimal = new BigDecimal(Double.toString(Math.abs(value))).stripTrailingZeros();
            String digits = decimal.unscaledValue().toString();
            return new Digits(value < 0, digits, digits.length() - decimal.scale());
        }

        String plainForm() {
            StringBuilder out = new StringBuilder(digits.length() + 8);
            if (negative) {
                out.append('-');
            }
            if (pointPosition <= 0) {
                out.append("0.").append("0".repeat(-pointPosition)).append(digits);
            } else if (pointPosition >= digits.length()) {
                out.append(digits).append("0".repeat(pointPosition - digits.length()));
            } else {
                out.append(digits, 0, pointPosition).append('.').append(digits, pointPosition, digits.length());
            }
            return out.toString();
        }

        /** {@code d.ddde±XX}; protojson then drops the leading zero of a one-digit negative exponent. */
        String exponentForm(boolean trimNegativeExponent) {
            StringBuilder out = new StringBuilder(digits.length() + 8);
            if (negative) {
                out.append('-');
            }
            out.append(digits.charAt(0));
            if (digits.length() > 1) {
                out.append('.').append(digits, 1, digits.length());
            }
            int exponent = pointPosition - 1;
            out.append('e').append(exponent < 0 ? '-' : '+');
            int magnitude = Math.abs(exponent);
            if (magnitude < 10 && !(trimNegativeExponent && exponent < 0)) {
                out.append('0');
            }
            return out.append(magnitude).toString();
        }
    }
}
