package dev.loggregator.manifest;

/** Thrown by a section's validation; the loader turns it into a {@link ManifestException} naming the file. */
public final class InvalidManifestValue extends RuntimeException {
    private final String key;

    public InvalidManifestValue(String key, String message) {
        super(message);
        this.key = key;
    }

    public String key() {
        return key;
    }

    /** Checks a TCP/UDP port; 0 is allowed where {@code zeroDisables}. */
    public static void requirePort(String key, int port, boolean zeroDisables) {
        if (port < (zeroDisables ? 0 : 1) || port > 65535) {
            throw new InvalidManifestValue(key, "port must be between " + (zeroDisables ? "0 (disabled)" : "1")
                    + " and 65535, got " + port);
        }
    }

    public static void requirePositive(String key, long value) {
        if (value <= 0) {
            throw new InvalidManifestValue(key, "must be greater than 0, got " + value);
        }
    }
}
