package dev.loggregator.trafficcontroller.promql;

/** Go's text forms that PromQL answers and errors contain: quoted strings and Go string literals. */
public final class GoText {
    private GoText() {
    }

    /** Go's {@code strconv.Quote}. */
    public static void quote(String value, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < value.length(); ) {
            int c = value.codePointAt(i);
            i += Character.charCount(c);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case 7 -> out.append("\\a");
                case 8 -> out.append("\\b");
                case 12 -> out.append("\\f");
                case 11 -> out.append("\\v");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append(String.format("\\x%02x", c));
                    } else {
                        out.appendCodePoint(c);
                    }
                }
            }
        }
        out.append('"');
    }

    public static String quote(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2);
        quote(value, out);
        return out.toString();
    }

    /**
     * The value of a PromQL string literal as written ({@code "..."}, {@code '...'} with Go's escapes, or
     * {@code `...`} raw), as Go's {@code strconv.Unquote} reads it.
     *
     * @throws IllegalArgumentException for an escape Go does not know
     */
    public static String unquote(String literal) {
        char quote = literal.charAt(0);
        String body = literal.substring(1, literal.length() - 1);
        if (quote == '`') {
            return body;
        }
        StringBuilder out = new StringBuilder(body.length());
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char e = body.charAt(++i);
            switch (e) {
                case 'a' -> out.append('\u0007');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'v' -> out.append('\u000b');
                case '\\' -> out.append('\\');
                case '\'', '"' -> {
                    if (e != quote) {
                        throw new IllegalArgumentException("invalid syntax");
                    }
                    out.append(e);
                }
                case 'x' -> {
                    out.append((char) Integer.parseInt(hex(body, i + 1, 2), 16));
                    i += 2;
                }
                case 'u' -> {
                    out.appendCodePoint(Integer.parseInt(hex(body, i + 1, 4), 16));
                    i += 4;
                }
                case 'U' -> {
                    out.appendCodePoint(Integer.parseInt(hex(body, i + 1, 8), 16));
                    i += 8;
                }
                default -> {
                    if (e >= '0' && e <= '7' && i + 2 < body.length()) {
                        out.append((char) Integer.parseInt(body.substring(i, i + 3), 8));
                        i += 2;
                    } else {
                        throw new IllegalArgumentException("invalid syntax");
                    }
                }
            }
        }
        return out.toString();
    }

    private static String hex(String body, int from, int length) {
        if (from + length > body.length()) {
            throw new IllegalArgumentException("invalid syntax");
        }
        String digits = body.substring(from, from + length);
        if (!digits.matches("[0-9a-fA-F]+")) {
            throw new IllegalArgumentException("invalid syntax");
        }
        return digits;
    }
}
