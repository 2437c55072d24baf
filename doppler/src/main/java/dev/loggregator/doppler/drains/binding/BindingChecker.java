package dev.loggregator.doppler.drains.binding;

import dev.loggregator.doppler.drains.format.DrainOptions;
import io.netty.handler.ssl.SslContext;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Checks a binding before a drain is made for it, as the binding cache's poller does
 * ({@code binding/poller.go}), with the same messages for the app's developer: the URL must parse,
 * have an allowed scheme and a host that resolves (a failed resolution is remembered for
 * {@value #FAILED_HOST_SECONDS} s) to an address outside the deny list, and its certificate, key and
 * CA must load. Runs on the binding refresh thread, never on the router or an event loop (it may
 * wait for DNS).
 */
public final class BindingChecker {
    public static final Set<String> SCHEMES = Set.of("syslog", "syslog-tls", "https", "https-batch");
    static final int FAILED_HOST_SECONDS = 120;
    private static final int MAX_FAILED_HOSTS = 10_000;

    /** What to do with a binding: a drain to {@code address}, or a refusal. */
    public sealed interface Result permits Accepted, Refused {
    }

    public record Accepted(DrainBinding binding, DrainUrl url, InetAddress address, SslContext tls) implements Result {
    }

    /** {@code message} is for the app's stream and the log; {@code denied} when the deny list refused it. */
    public record Refused(DrainBinding binding, String message, boolean denied) implements Result {
    }

    /** Resolves a host name; replaced in tests. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress resolve(String host) throws UnknownHostException;
    }

    private final DenyList denyList;
    private final DrainTls tls;
    private final Resolver resolver;
    private final Map<String, Long> failedHosts = new LinkedHashMap<>();

    public BindingChecker(DenyList denyList, DrainTls tls, Resolver resolver) {
        this.denyList = denyList;
        this.tls = tls;
        this.resolver = resolver;
    }

    /**
     * Checks {@code binding}. {@code credentialsKnownGood} skips building its TLS context (a drain
     * for this very binding already runs with it); the address is checked every time, since DNS moves.
     */
    public Result check(DrainBinding binding, boolean credentialsKnownGood) {
        DrainUrl url = DrainUrl.parse(binding.url());
        if (url == null) {
            return new Refused(binding, "Cannot parse syslog drain URL.", false);
        }
        if (!SCHEMES.contains(url.scheme())) {
            return new Refused(binding, "Invalid Scheme " + url.scheme() + " for syslog drain url " + url.anonymous(), false);
        }
        if (url.host().isEmpty()) {
            return new Refused(binding, "No hostname found in syslog drain url " + url.anonymous(), false);
        }
        long now = System.nanoTime();
        Long failedAt = failedHosts.get(url.host());
        if (failedAt != null) {
            if (now - failedAt < FAILED_HOST_SECONDS * 1_000_000_000L) {
                return new Refused(binding, "Skipped resolve ip address for syslog drain with url " + url.anonymous()
                        + " due to prior failure", false);
            }
            failedHosts.remove(url.host());
        }
        InetAddress address;
        try {
            address = resolver.resolve(url.host());
        } catch (UnknownHostException | SecurityException e) {
            rememberFailure(url.host(), now);
            return new Refused(binding, "Cannot resolve ip address for syslog drain with url " + url.anonymous(), false);
        }
        if (denyList.denies(address) && !binding.aggregate()) {
            return new Refused(binding, "Resolved ip address for syslog drain with url " + url.anonymous()
                    + " is blacklisted", true);
        }
        SslContext context = null;
        if (url.tls()) {
            try {
                context = credentialsKnownGood ? null
                        : tls.contextFor(binding, DrainOptions.parse(url.rawQuery(), true).internalTls(), url.anonymous());
            } catch (DrainTls.BadCredentials e) {
                return new Refused(binding, e.getMessage(), false);
            }
        }
        return new Accepted(binding, url, address, context);
    }

    private void rememberFailure(String host, long now) {
        if (failedHosts.size() >= MAX_FAILED_HOSTS) {
            failedHosts.remove(failedHosts.keySet().iterator().next());
        }
        failedHosts.put(host, now);
    }
}
