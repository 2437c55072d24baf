package dev.loggregator.doppler.drains.format;

import java.nio.charset.StandardCharsets;

/**
 * The RFC 5424 header fields as the agent makes them (HOSTNAME from the tags or the binding,
 * PROCID from the source type and instance) and as go-loggregator's marshaller then takes them:
 * {@code -} when empty, cut to the RFC's length, refused unless printable US-ASCII.
 */
final class HeaderFields {
    static final int MAX_HOSTNAME = 255;
    static final int MAX_APP_NAME = 48;
    static final int MAX_PROCID = 128;
    private static final int MAX_HOST_PART = 63;

    private HeaderFields() {
    }

    /**
     * HOSTNAME: {@code org.space.app} from the envelope's tags {@code organization_name},
     * {@code space_name} and {@code app_name} (null when missing) when any of the three is there, else the binding's.
     */
    static String hostname(String org, String space, String app, String defaultHostname) {
        if (org == null && space == null && app == null) {
            return defaultHostname == null ? "" : defaultHostname;
        }
        return hostPart(org) + "." + hostPart(space) + "." + hostPart(app);
    }

    /** Whitespace runs become {@code -}, anything but {@code [-a-zA-Z0-9]} goes, trailing dashes go; at most 63. */
    private static String hostPart(String name) {
        if (name == null) {
            return "";
        }
        StringBuilder part = new StringBuilder(name.length());
        boolean inSpace = false;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (isGoSpace(c)) {
                if (!inSpace) {
                    part.append('-');
                }
                inSpace = true;
                continue;
            }
            inSpace = false;
            if (c == '-' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
                part.append(c);
            }
        }
        trimTrailingDashes(part);
        return part.length() > MAX_HOST_PART ? part.substring(0, MAX_HOST_PART) : part.toString();
    }

    /**
     * PROCID of a log (its {@code source_type} tag, empty when missing, and instance id): {@code [SOURCE_TYPE/INSTANCE]} with the source type sanitised (whitespace runs
     * to {@code -}, only printable ASCII kept, trailing dashes dropped) and upper-cased; the instance
     * is cut so the whole fits 128; {@code [SOURCE_TYPE]} without an instance.
     */
    static String logProcessId(String sourceType, String instance) {
        StringBuilder type = new StringBuilder(sourceType.length());
        boolean inSpace = false;
        for (int i = 0; i < sourceType.length(); i++) {
            char c = sourceType.charAt(i);
            if (isGoSpace(c)) {
                if (!inSpace) {
                    type.append('-');
                }
                inSpace = true;
                continue;
            }
            inSpace = false;
            if (c >= '!' && c <= '~') {
                type.append(c >= 'a' && c <= 'z' ? (char) (c - 32) : c);
            }
        }
        trimTrailingDashes(type);
        if (instance.isEmpty()) {
            return "[" + type + "]";
        }
        byte[] instanceBytes = instance.getBytes(StandardCharsets.UTF_8);
        if (type.length() + instanceBytes.length + 3 > MAX_PROCID) {
            int keep = Math.max(0, MAX_PROCID - type.length() - 3);
            instance = new String(instanceBytes, 0, keep, StandardCharsets.ISO_8859_1);
        }
        return "[" + type + "/" + instance + "]";
    }

    /**
     * A header field as the marshaller takes it: {@code -} when empty, cut to {@code max} bytes,
     * then every byte printable US-ASCII. Returned as a String of those bytes (ASCII when valid).
     */
    static String header(String field, String value, int max) throws SyslogFormatter.Unformattable {
        if (value.isEmpty()) {
            return "-";
        }
        int ascii = 0;
        while (ascii < value.length() && value.charAt(ascii) < 0x80) {
            ascii++;
        }
        if (ascii == value.length() || ascii >= max) {
            // ASCII as far as the cut: bytes are chars, no encoding needed
            int length = Math.min(value.length(), max);
            for (int i = 0; i < length; i++) {
                char c = value.charAt(i);
                if (c < 33 || c > 126) {
                    throw new SyslogFormatter.Unformattable(field, value);
                }
            }
            return length == value.length() ? value : value.substring(0, length);
        }
        // a non-ASCII character before the cut: its UTF-8 bytes are not printable ASCII
        throw new SyslogFormatter.Unformattable(field, value);
    }

    /** Go's {@code \s}: tab, newline, form feed, carriage return, space. */
    private static boolean isGoSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
    }

    private static void trimTrailingDashes(StringBuilder text) {
        int end = text.length();
        while (end > 0 && text.charAt(end - 1) == '-') {
            end--;
        }
        text.setLength(end);
    }
}
