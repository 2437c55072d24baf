package dev.loggregator.gateway.routing;

/** Where requests for some hosts and a path prefix go. */
public record Route(String name, String pathPrefix, BackendPool pool) {

    /** Prefix match on path-segment boundaries: {@code /api} matches {@code /api} and {@code /api/x}, not {@code /apix}. */
    boolean matches(String path) {
        if (!path.startsWith(pathPrefix)) {
            return false;
        }
        return pathPrefix.endsWith("/") || path.length() == pathPrefix.length() || path.charAt(pathPrefix.length()) == '/';
    }
}
