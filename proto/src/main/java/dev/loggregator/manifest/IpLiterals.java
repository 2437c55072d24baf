package dev.loggregator.manifest;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** IP address literals in the manifest (never names: checking one must not wait for DNS). */
public final class IpLiterals {
    private IpLiterals() {
    }

    public static boolean isIpLiteral(String text) {
        if (text == null || text.isEmpty()) {
            return false;
        }
        if (text.indexOf(':') < 0) {
            return isIpv4(text);
        }
        // Java parses anything with a colon as an IPv6 literal (and never asks DNS about it).
        if (!text.chars().allMatch(c -> (c < 128 && Character.digit(c, 16) >= 0) || c == ':' || c == '.')) {
            return false;
        }
        try {
            parse(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean isIpv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')
                    || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    /** The address of a literal {@link #isIpLiteral} accepted (no DNS lookup happens for a literal). */
    public static InetAddress parse(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: " + literal, e);
        }
    }
}
