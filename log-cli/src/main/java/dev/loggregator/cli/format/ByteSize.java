package dev.loggregator.cli.format;

import java.util.Locale;

/** Byte counts as the cf CLI shows them ({@code formatters.ByteSize}): "0", "512B", "25.5M", "1G" (binary units). */
public final class ByteSize {
    private static final long KIB = 1024;
    private static final long MIB = KIB * 1024;
    private static final long GIB = MIB * 1024;
    private static final long TIB = GIB * 1024;

    private ByteSize() {
    }

    /** {@code bytes} is an unsigned 64-bit count (protobuf uint64). */
    public static String format(long bytes) {
        if (bytes == 0) {
            return "0";
        }
        double value = bytes < 0 ? Double.parseDouble(Long.toUnsignedString(bytes)) : bytes;
        String unit;
        double scaled;
        if (value >= TIB) {
            unit = "T";
            scaled = value / TIB;
        } else if (value >= GIB) {
            unit = "G";
            scaled = value / GIB;
        } else if (value >= MIB) {
            unit = "M";
            scaled = value / MIB;
        } else if (value >= KIB) {
            unit = "K";
            scaled = value / KIB;
        } else {
            unit = "B";
            scaled = value;
        }
        String text = String.format(Locale.ROOT, "%.1f", scaled);
        if (text.endsWith(".0")) {
            text = text.substring(0, text.length() - 2);
        }
        return text + unit;
    }
}
