package dev.loggregator.gateway.routing;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One backend address with its passive health: marked dead for a TTL after a connect failure or a
 * reset before any response, skipped while dead. The same instance survives route reloads (see
 * {@link BackendRegistry}) so a reload neither forgets a dead mark nor resets connection counts.
 */
public final class Backend {
    private final String address;
    private final InetSocketAddress socketAddress;
    private final AtomicInteger activeConnections = new AtomicInteger();
    private volatile long deadUntilNanos;
    private volatile boolean dead;

    Backend(String address) {
        this.address = address;
        int colon = address.lastIndexOf(':');
        String host = address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = Integer.parseInt(address.substring(colon + 1));
        // Names stay unresolved so the connect resolves them each time (DNS changes are followed).
        this.socketAddress = isLiteral(host) ? new InetSocketAddress(host, port) : InetSocketAddress.createUnresolved(host, port);
    }

    private static boolean isLiteral(String host) {
        return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || Character.isDigit(c));
    }

    public String address() {
        return address;
    }

    public InetSocketAddress socketAddress() {
        return socketAddress;
    }

    public int activeConnections() {
        return activeConnections.get();
    }

    public void connectionOpened() {
        activeConnections.incrementAndGet();
    }

    public void connectionClosed() {
        activeConnections.decrementAndGet();
    }

    public boolean isDead(long nowNanos) {
        if (dead && nowNanos - deadUntilNanos >= 0) {
            dead = false;
        }
        return dead;
    }

    public boolean isDead() {
        return isDead(System.nanoTime());
    }

    public void markDead(long ttlNanos) {
        deadUntilNanos = System.nanoTime() + ttlNanos;
        dead = true;
    }

    public void markAlive() {
        dead = false;
    }

    @Override
    public String toString() {
        return address;
    }
}
