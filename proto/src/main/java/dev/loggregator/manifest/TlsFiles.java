package dev.loggregator.manifest;

/**
 * PEM files for one TLS endpoint. {@code ca} is the bundle peers are verified against; when a
 * server has one it requires client certificates (mutual TLS). Relative paths are resolved
 * against the working directory; the component that uses the files reports unreadable ones,
 * so a Doppler does not fail over a Traffic Controller's certificate.
 */
public record TlsFiles(String cert, String key, String ca) {

    static TlsFiles none() {
        return new TlsFiles(null, null, null);
    }

    public boolean configured() {
        return cert != null && key != null;
    }

    void validate(String keyPath) {
        if ((cert == null) != (key == null)) {
            throw new InvalidManifestValue(keyPath, "cert and key must be given together");
        }
    }
}
