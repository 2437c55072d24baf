package dev.loggregator.wire.appid;

/**
 * App ids are Cloud Controller GUIDs: {@code 8-4-4-4-12} hex digits, as the original Traffic
 * Controller's log-access check requires (any case, as Go's {@code [[:xdigit:]]}). Checked where a
 * client names an app, so nothing else (a Doppler link, a cache key) ever sees an arbitrary string.
 */
public final class AppGuids {
    public static final int LENGTH = 36;

    private AppGuids() {
    }

    public static boolean isGuid(CharSequence id) {
        if (id == null || id.length() != LENGTH) {
            return false;
        }
        for (int i = 0; i < LENGTH; i++) {
            char c = id.charAt(i);
            boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
            if (dash ? c != '-' : !isHexDigit(c)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isHexDigit(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
