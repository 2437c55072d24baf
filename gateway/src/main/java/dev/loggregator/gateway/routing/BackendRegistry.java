package dev.loggregator.gateway.routing;

import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** One {@link Backend} per address for the life of the process, shared by every route table version. */
public final class BackendRegistry {
    private final ConcurrentMap<String, Backend> backends = new ConcurrentHashMap<>();

    public Backend get(String address) {
        return backends.computeIfAbsent(address, Backend::new);
    }

    public Collection<Backend> all() {
        return backends.values();
    }
}
