package dev.loggregator.wire.v2.json;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;

/**
 * String escaping as Go's protojson does it: {@code \"}, {@code \\}, {@code \b \f \n \r \t}, other
 * control characters and DEL as {@code \\u00xx} in lower-case hex; everything else (including
 * {@code <}, {@code >}, {@code &} and non-ASCII) written as UTF-8.
 */
final class GoCharacterEscapes extends CharacterEscapes {
    private static final long serialVersionUID = 1L;

    private final int[] escapes;
    private final SerializableString[] sequences = new SerializableString[128];

    GoCharacterEscapes() {
        escapes = standardAsciiEscapesForJSON();
        for (int c = 0; c < 0x20; c++) {
            escapes[c] = ESCAPE_CUSTOM;
            sequences[c] = new SerializedString(shortForm(c));
        }
        escapes[0x7f] = ESCAPE_CUSTOM;
        sequences[0x7f] = new SerializedString("\\u007f");
    }

    private static String shortForm(int c) {
        return switch (c) {
            case '\b' -> "\\b";
            case '\f' -> "\\f";
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            default -> String.format("\\u%04x", c);
        };
    }

    @Override
    public int[] getEscapeCodesForAscii() {
        return escapes;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
        return ch < sequences.length ? sequences[ch] : null;
    }
}
