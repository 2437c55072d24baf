package dev.loggregator.doppler.drains.binding;

import dev.loggregator.net.Cidr;
import java.net.InetAddress;
import java.util.List;

/**
 * Addresses no app drain may be written to (the agent's blacklisted syslog ranges): the
 * configured ranges (by default link-local, which holds the cloud metadata address, and other
 * metadata addresses), plus loopback and the unspecified address unless loopback is allowed
 * (development deployments, tests), since a drain to them would reach the Doppler's own host.
 */
public final class DenyList {
    private final List<Cidr> ranges;
    private final boolean allowLoopback;

    public DenyList(List<String> ranges, boolean allowLoopback) {
        this.ranges = ranges.stream().map(Cidr::parse).toList();
        this.allowLoopback = allowLoopback;
    }

    public boolean denies(InetAddress address) {
        if (!allowLoopback && (address.isLoopbackAddress() || address.isAnyLocalAddress())) {
            return true;
        }
        for (Cidr range : ranges) {
            if (range.contains(address)) {
                return true;
            }
        }
        return false;
    }
}
