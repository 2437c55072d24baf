package dev.loggregator.gateway.routing;

import dev.loggregator.manifest.GatewaySection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The backends of one route and how to pick among them: round-robin, or least connections (for
 * long-lived streams, where round-robin piles streams onto whichever node was next when they
 * opened). Dead backends are skipped; when every untried backend is dead they are tried anyway,
 * because refusing outright turns one flapping network blip into a full outage.
 */
public final class BackendPool {
    private final List<Backend> backends;
    private final boolean leastConnections;
    private final AtomicInteger next = new AtomicInteger();

    public BackendPool(List<Backend> backends, String balance) {
        this.backends = List.copyOf(backends);
        this.leastConnections = GatewaySection.LEAST_CONNECTIONS.equals(balance);
    }

    public List<Backend> backends() {
        return backends;
    }

    public int size() {
        return backends.size();
    }

    /** The next backend not in {@code tried}, or null when every backend was tried. */
    public Backend select(Set<Backend> tried) {
        long now = System.nanoTime();
        Backend choice = pick(tried, now, true);
        return choice != null ? choice : pick(tried, now, false);
    }

    private Backend pick(Set<Backend> tried, long now, boolean aliveOnly) {
        int n = backends.size();
        int start = Math.floorMod(next.getAndIncrement(), n);
        Backend best = null;
        for (int i = 0; i < n; i++) {
            Backend candidate = backends.get((start + i) % n);
            if (tried.contains(candidate) || (aliveOnly && candidate.isDead(now))) {
                continue;
            }
            if (!leastConnections) {
                return candidate;
            }
            if (best == null || candidate.activeConnections() < best.activeConnections()) {
                best = candidate;
            }
        }
        return best;
    }
}
