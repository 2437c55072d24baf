package dev.loggregator.gateway.http;

/**
 * A request-target in absolute form ({@code GET http://host/path HTTP/1.1}) names the host
 * itself, and RFC 9112 §3.2.2 says its authority replaces whatever {@code Host} says: routing by
 * the header while the backend reads the URI would send a request for one host to another's
 * backend. Backends get the origin form ({@code /path?query}) and a {@code Host} that matches it,
 * as Go's reverse proxy (gorouter) sends them.
 */
record RequestTarget(String host, String uri) {
    /** The authority and origin form of an absolute-form target, or null for any other form. */
    static RequestTarget absolute(String target) {
        int schemeEnd = target.regionMatches(true, 0, "http://", 0, 7) ? 7
                : target.regionMatches(true, 0, "https://", 0, 8) ? 8 : -1;
        if (schemeEnd < 0) {
            return null;
        }
        int end = schemeEnd;
        while (end < target.length() && "/?#".indexOf(target.charAt(end)) < 0) {
            end++;
        }
        String authority = target.substring(schemeEnd, end);
        // userinfo (deprecated, RFC 9110 §4.2.4) never reaches Host
        authority = authority.substring(authority.lastIndexOf('@') + 1);
        String rest = target.substring(end);
        int fragment = rest.indexOf('#');
        if (fragment >= 0) {
            rest = rest.substring(0, fragment);
        }
        String origin = rest.isEmpty() ? "/" : rest.startsWith("?") ? "/" + rest : rest;
        return new RequestTarget(authority, origin);
    }
}
