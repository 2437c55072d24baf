package dev.loggregator.gateway.routing;

import dev.loggregator.manifest.GatewaySection;
import dev.loggregator.manifest.Manifest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An immutable snapshot of the routes: exact hosts, {@code *.domain} wildcards (most specific
 * first, as Hipache walks them), then {@code *}; within a host the longest matching path prefix
 * wins. Replaced whole on reload, so a lookup never sees half an update.
 */
public final class RouteTable {
    /** Name of the route to the manifest's Traffic Controllers. */
    public static final String TRAFFIC_CONTROLLERS = "traffic-controllers";
    private static final int MAX_WILDCARD_DEPTH = 10;

    private final Map<String, List<Route>> exact;
    private final Map<String, List<Route>> wildcard;
    private final List<Route> fallback;
    private final Map<Integer, BackendPool> tcpPools;

    private RouteTable(Map<String, List<Route>> exact, Map<String, List<Route>> wildcard, List<Route> fallback,
            Map<Integer, BackendPool> tcpPools) {
        this.exact = exact;
        this.wildcard = wildcard;
        this.fallback = fallback;
        this.tcpPools = tcpPools;
    }

    /**
     * Builds the table of a manifest: its {@code gateway.routes}, plus the Traffic Controllers under
     * {@code doppler.<system_domain>} (and as the default route unless a route claims {@code *}).
     */
    public static RouteTable from(Manifest manifest, BackendRegistry registry) {
        Map<String, List<Route>> exact = new HashMap<>();
        Map<String, List<Route>> wildcard = new HashMap<>();
        List<Route> fallback = new ArrayList<>();
        GatewaySection gateway = manifest.gateway();
        for (GatewaySection.Route config : gateway.routes()) {
            Route route = new Route(config.name(), config.pathPrefix(),
                    new BackendPool(config.backends().stream().map(registry::get).toList(), config.balance()));
            for (String host : config.hosts()) {
                add(host, route, exact, wildcard, fallback);
            }
        }
        List<String> controllers = trafficControllers(manifest);
        Route tc = new Route(TRAFFIC_CONTROLLERS, "/",
                new BackendPool(controllers.stream().map(registry::get).toList(), GatewaySection.LEAST_CONNECTIONS));
        add("doppler." + manifest.properties().systemDomain().toLowerCase(Locale.ROOT), tc, exact, wildcard, fallback);
        if (fallback.isEmpty()) {
            fallback.add(tc);
        }
        Comparator<Route> longestPrefixFirst = Comparator.comparingInt((Route r) -> r.pathPrefix().length()).reversed();
        exact.values().forEach(list -> list.sort(longestPrefixFirst));
        wildcard.values().forEach(list -> list.sort(longestPrefixFirst));
        fallback.sort(longestPrefixFirst);

        Map<Integer, BackendPool> tcpPools = new HashMap<>();
        for (GatewaySection.Listener listener : gateway.listeners()) {
            if ("tcp".equals(listener.mode())) {
                List<String> addresses = listener.backends().isEmpty() ? controllers : listener.backends();
                tcpPools.put(listener.port(), new BackendPool(addresses.stream().map(registry::get).toList(), listener.balance()));
            }
        }
        return new RouteTable(exact, wildcard, fallback, tcpPools);
    }

    private static List<String> trafficControllers(Manifest manifest) {
        List<String> addresses = new ArrayList<>();
        var instances = manifest.trafficController().instances();
        for (int i = 0; i < instances.size(); i++) {
            String host = instances.get(i).host();
            addresses.add((host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + manifest.trafficControllerPort(i));
        }
        return addresses;
    }

    private static void add(String host, Route route, Map<String, List<Route>> exact, Map<String, List<Route>> wildcard,
            List<Route> fallback) {
        if (host.equals("*")) {
            fallback.add(route);
        } else if (host.startsWith("*.")) {
            wildcard.computeIfAbsent(host.substring(2), k -> new ArrayList<>()).add(route);
        } else {
            exact.computeIfAbsent(host, k -> new ArrayList<>()).add(route);
        }
    }

    /** The route for a {@code Host} header value (port allowed) and a request path, or null. */
    public Route lookup(String hostHeader, String path) {
        String host = HostNames.normalize(hostHeader);
        Route route = first(exact.get(host), path);
        if (route != null) {
            return route;
        }
        int dot = host.indexOf('.');
        for (int depth = 0; dot >= 0 && depth < MAX_WILDCARD_DEPTH; depth++) {
            route = first(wildcard.get(host.substring(dot + 1)), path);
            if (route != null) {
                return route;
            }
            dot = host.indexOf('.', dot + 1);
        }
        return first(fallback, path);
    }

    public BackendPool tcpPool(int port) {
        return tcpPools.get(port);
    }

    private static Route first(List<Route> routes, String path) {
        if (routes == null) {
            return null;
        }
        for (Route route : routes) {
            if (route.matches(path)) {
                return route;
            }
        }
        return null;
    }
}
