package dev.loggregator.doppler.egress;

import dev.loggregator.manifest.ManifestException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The egress port serves every app's logs and the firehose to whoever connects. Unauthenticated
 * (no {@code properties.internal_secret}) it may only listen on an internal address: loopback, a
 * private range (10/8, 172.16/12, 192.168/16, fc00::/7) or link-local. A wildcard or public
 * address stops the Doppler at startup with a line saying what to set.
 */
public final class InternalAddresses {
    private InternalAddresses() {
    }

    public static void requireInternalOrSecret(InetSocketAddress bind, boolean secretSet, String instanceKey) {
        if (secretSet) {
            return;
        }
        InetAddress address = bind.getAddress();
        if (address == null || !isInternal(address)) {
            throw new ManifestException(instanceKey + ".internal_host is " + bind.getHostString() + ", which is not an "
                    + "internal address: the egress port (ws_port " + bind.getPort() + ") would serve every app's logs to "
                    + "anyone who can reach it. Bind it to a private address (internal_host) or set properties.internal_secret");
        }
    }

    static boolean isInternal(InetAddress address) {
        if (address.isAnyLocalAddress()) {
            return false;
        }
        if (address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress()) {
            return true;
        }
        // Unique local IPv6 (fc00::/7); Java's isSiteLocalAddress covers only the old fec0::/10.
        return address instanceof Inet6Address && (address.getAddress()[0] & 0xFE) == 0xFC;
    }
}
