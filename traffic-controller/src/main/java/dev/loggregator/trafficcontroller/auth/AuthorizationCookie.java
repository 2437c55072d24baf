package dev.loggregator.trafficcontroller.auth;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.cookie.CookieHeaderNames;
import io.netty.handler.codec.http.cookie.DefaultCookie;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * The cookie a browser keeps its token in (read back by {@link BearerToken}). For a page of another
 * origin (Cloud Foundry's console calling {@code /set-cookie}, loggregator-v1-reference §2.7) it is
 * the original's: {@code Domain=doppler.<system_domain>}, Secure, HttpOnly. For a page of this very
 * origin (the web viewer under {@code /ui/}), which a browser would refuse that cookie when the host
 * is not {@code doppler.<system_domain>} or the page is plain http, it is a host-only cookie for
 * {@code Path=/}, HttpOnly, {@code SameSite=Strict}, and Secure when the page is https.
 */
public final class AuthorizationCookie {
    private AuthorizationCookie() {
    }

    public static String encode(HttpRequest request, String name, String value, String cookieDomain) {
        DefaultCookie cookie = new DefaultCookie(name, value);
        // Go quotes values with spaces or commas (such as "bearer <jwt>"); browsers return them as sent.
        cookie.setWrap(value.indexOf(' ') >= 0 || value.indexOf(',') >= 0);
        cookie.setHttpOnly(true);
        URI origin = sameOrigin(request);
        if (origin == null) {
            cookie.setDomain(cookieDomain);
            cookie.setSecure(true);
        } else {
            cookie.setPath("/");
            cookie.setSecure("https".equalsIgnoreCase(origin.getScheme()));
            cookie.setSameSite(CookieHeaderNames.SameSite.Strict);
        }
        return io.netty.handler.codec.http.cookie.ServerCookieEncoder.LAX.encode(cookie);
    }

    /** The request's {@code Origin} when it names the host the request was sent to, else null. */
    public static URI sameOrigin(HttpRequest request) {
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        String host = request.headers().get(HttpHeaderNames.HOST);
        if (origin == null || host == null) {
            return null;
        }
        try {
            URI uri = new URI(origin);
            String authority = uri.getRawAuthority();
            return authority != null && authority.equalsIgnoreCase(host.trim()) ? uri : null;
        } catch (URISyntaxException e) {
            return null;
        }
    }
}
