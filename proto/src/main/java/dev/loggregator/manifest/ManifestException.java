package dev.loggregator.manifest;

/** A deployment manifest that cannot be used: the message names the file and, where known, the key. */
public final class ManifestException extends RuntimeException {
    public ManifestException(String message) {
        super(message);
    }

    public ManifestException(String message, Throwable cause) {
        super(message, cause);
    }
}
