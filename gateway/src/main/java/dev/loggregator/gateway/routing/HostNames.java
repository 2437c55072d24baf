package dev.loggregator.gateway.routing;

import java.util.Locale;

/** {@code Host} header values to route keys: no port, lower case, no trailing dot. */
public final class HostNames {
    private HostNames() {
    }

    public static String normalize(String hostHeader) {
        if (hostHeader == null) {
            return "";
        }
        String host = hostHeader.trim();
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            host = end > 0 ? host.substring(0, end + 1) : host;
        } else {
            int colon = host.indexOf(':');
            if (colon >= 0) {
                host = host.substring(0, colon);
            }
        }
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        return host.toLowerCase(Locale.ROOT);
    }

    /** The path of a request target without its query; absolute-form targets lose scheme and authority. */
    public static String path(String uri) {
        String path = uri;
        if (!path.startsWith("/")) {
            int scheme = path.indexOf("://");
            if (scheme >= 0) {
                int slash = path.indexOf('/', scheme + 3);
                path = slash < 0 ? "/" : path.substring(slash);
            }
        }
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        int fragment = path.indexOf('#');
        return fragment >= 0 ? path.substring(0, fragment) : path;
    }
}
