package dev.loggregator.doppler.drains.binding;

/**
 * One drain as bound: an app (null for an aggregate drain, which takes every envelope) with its
 * {@code org.space.app} hostname, the drain URL as given, and the PEM texts of an optional client
 * certificate, its key and a CA for the receiver. Two equal bindings are the same drain: a changed
 * URL, hostname or credential is a new drain (the old one is closed), as the agent keys its drains.
 */
public record DrainBinding(String appId, String hostname, String url, String cert, String key, String ca, Source source) {

    /** Where a binding came from; shown to operators, not part of its identity. */
    public enum Source {
        MANIFEST("manifest"),
        BINDING_PROVIDER("binding provider"),
        AGGREGATE("aggregate");

        private final String label;

        Source(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public DrainBinding {
        hostname = hostname == null ? "" : hostname;
        cert = emptyToNull(cert);
        key = emptyToNull(key);
        ca = emptyToNull(ca);
    }

    public boolean aggregate() {
        return appId == null;
    }

    /** The drain's identity: everything but where it was found. */
    public Identity identity() {
        return new Identity(appId, hostname, url, cert, key, ca);
    }

    public record Identity(String appId, String hostname, String url, String cert, String key, String ca) {
    }

    private static String emptyToNull(String text) {
        return text == null || text.isEmpty() ? null : text;
    }
}
