package dev.loggregator.trafficcontroller.dopplers;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The set of Dopplers to connect to: the manifest's static instances, or every address of a DNS
 * name (as BOSH DNS publishes a group), re-resolved periodically. Subscriptions listen for
 * changes and open or close links accordingly.
 */
public final class DopplerDirectory {
    private static final Logger LOG = LoggerFactory.getLogger(DopplerDirectory.class);

    /** Told the complete new set whenever it changes. */
    public interface Listener {
        void dopplersChanged(Set<DopplerAddress> dopplers);
    }

    private final Set<Listener> listeners = ConcurrentHashMap.newKeySet();
    private final String dnsName;
    private final int dnsPort;
    private volatile Set<DopplerAddress> current;

    private DopplerDirectory(Set<DopplerAddress> initial, String dnsName, int dnsPort) {
        this.current = Set.copyOf(initial);
        this.dnsName = dnsName;
        this.dnsPort = dnsPort;
    }

    public static DopplerDirectory fixed(Set<DopplerAddress> dopplers) {
        return new DopplerDirectory(new LinkedHashSet<>(dopplers), null, 0);
    }

    /** Resolves {@code name} now and then every {@code refreshSeconds} on {@code scheduler}. */
    public static DopplerDirectory dns(String name, int port, int refreshSeconds, ScheduledExecutorService scheduler) {
        DopplerDirectory directory = new DopplerDirectory(Set.of(), name, port);
        directory.refresh();
        scheduler.scheduleWithFixedDelay(directory::refresh, refreshSeconds, refreshSeconds, TimeUnit.SECONDS);
        return directory;
    }

    public Set<DopplerAddress> current() {
        return current;
    }

    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    public void removeListener(Listener listener) {
        listeners.remove(listener);
    }

    void refresh() {
        Set<DopplerAddress> resolved = new LinkedHashSet<>();
        try {
            for (InetAddress address : InetAddress.getAllByName(dnsName)) {
                resolved.add(new DopplerAddress(address.getHostAddress(), dnsPort));
            }
        } catch (UnknownHostException e) {
            // A DNS hiccup must not disconnect healthy Dopplers: keep the last good answer.
            LOG.warn("cannot resolve Doppler name {}: {}; keeping {}", dnsName, e.getMessage(), current);
            return;
        } catch (RuntimeException e) {
            LOG.warn("cannot resolve Doppler name {}", dnsName, e);
            return;
        }
        if (!resolved.equals(current)) {
            LOG.info("Dopplers of {}: {}", dnsName, resolved);
            current = Set.copyOf(resolved);
            for (Listener listener : listeners) {
                listener.dopplersChanged(current);
            }
        }
    }
}
