package dev.loggregator.doppler.drains.binding;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * A drain URL taken apart: scheme, host, port (the scheme's default when absent: 514 for
 * {@code syslog}, 6514 for {@code syslog-tls}, 443 for the https schemes), the request target of
 * https drains, the user info (sent as basic auth), and the forms shown to people: without user
 * info and query ({@link #anonymous}, as the agent writes it in drop notices) and without user info
 * ({@link #withoutUserInfo}).
 */
public record DrainUrl(String scheme, String host, int port, String requestTarget, String userInfo, String rawQuery,
                       String anonymous, String withoutUserInfo) {

    /** The URL as parsed; null when it cannot be parsed at all. */
    public static DrainUrl parse(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return null;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String authority = uri.getRawAuthority() == null ? "" : uri.getRawAuthority();
        String userInfo = null;
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            userInfo = uri.getUserInfo();
            authority = authority.substring(at + 1);
        }
        String host = authority;
        int port = -1;
        int colon = authority.lastIndexOf(':');
        if (colon >= 0 && colon > authority.lastIndexOf(']')) {
            host = authority.substring(0, colon);
            String digits = authority.substring(colon + 1);
            if (!digits.isEmpty()) {
                try {
                    port = Integer.parseInt(digits);
                } catch (NumberFormatException e) {
                    return null;
                }
                if (port < 1 || port > 65535) {
                    return null;
                }
            }
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (port < 0) {
            port = switch (scheme) {
                case "syslog" -> 514;
                case "syslog-tls" -> 6514;
                default -> 443;
            };
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        String query = uri.getRawQuery();
        String target = (path.isEmpty() ? "/" : path) + (query == null ? "" : "?" + query);
        String base = scheme + "://" + authority + path;
        String fragment = uri.getRawFragment() == null ? "" : "#" + uri.getRawFragment();
        return new DrainUrl(scheme, host, port, target, userInfo, query, base + fragment,
                base + (query == null ? "" : "?" + query) + fragment);
    }

    public boolean tls() {
        return !scheme.equals("syslog");
    }

    public boolean http() {
        return scheme.equals("https") || scheme.equals("https-batch");
    }

    /** The Host header of an https request: the port only when it is not 443. */
    public String hostHeader() {
        String name = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return port == 443 ? name : name + ":" + port;
    }
}
