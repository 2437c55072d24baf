package dev.loggregator.limits;

import java.net.InetAddress;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Client connections held at once, in all and per client address, so that one client (or one
 * address) opening thousands of connections cannot take them all: beyond its own share it is
 * refused while every other address is still served. Addresses in {@code unlimitedAddresses}
 * (proxies in front, which carry many clients) count only against the total. Memory is one small
 * entry per address that holds a connection.
 */
public final class ConnectionLimits {
    /** Why a connection was refused, or null when it was admitted. */
    public enum Refusal { TOTAL, PER_ADDRESS }

    private final int maxTotal;
    private final int maxPerAddress;
    private final Set<InetAddress> unlimitedAddresses;
    private final AtomicInteger total = new AtomicInteger();
    private final Map<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();

    public ConnectionLimits(int maxTotal, int maxPerAddress, Set<InetAddress> unlimitedAddresses) {
        this.maxTotal = maxTotal;
        this.maxPerAddress = maxPerAddress;
        this.unlimitedAddresses = Set.copyOf(unlimitedAddresses);
    }

    /**
     * Takes a slot for a connection from {@code address} (null: counted in the total only).
     * Returns null when admitted (the caller must {@link #release} it once closed), else why not.
     */
    public Refusal acquire(InetAddress address) {
        if (total.incrementAndGet() > maxTotal) {
            total.decrementAndGet();
            return Refusal.TOTAL;
        }
        if (address == null || unlimitedAddresses.contains(address)) {
            return null;
        }
        // compute() keeps the count and the map entry consistent with concurrent releases.
        boolean[] admitted = new boolean[1];
        perAddress.compute(address, (key, count) -> {
            AtomicInteger held = count == null ? new AtomicInteger() : count;
            admitted[0] = held.get() < maxPerAddress;
            if (admitted[0]) {
                held.incrementAndGet();
            }
            return held.get() == 0 ? null : held;
        });
        if (!admitted[0]) {
            total.decrementAndGet();
            return Refusal.PER_ADDRESS;
        }
        return null;
    }

    /** Gives back the slot {@link #acquire} took for {@code address}. */
    public void release(InetAddress address) {
        total.decrementAndGet();
        if (address == null || unlimitedAddresses.contains(address)) {
            return;
        }
        perAddress.computeIfPresent(address, (key, count) -> count.decrementAndGet() <= 0 ? null : count);
    }

    public int total() {
        return total.get();
    }

    /** Addresses holding at least one connection (what the per-address table costs). */
    public int addresses() {
        return perAddress.size();
    }
}
