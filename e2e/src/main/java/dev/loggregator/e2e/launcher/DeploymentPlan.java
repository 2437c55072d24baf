package dev.loggregator.e2e.launcher;

import dev.loggregator.manifest.DopplerSection;
import dev.loggregator.manifest.GatewaySection;
import dev.loggregator.manifest.Manifest;
import dev.loggregator.manifest.TrafficControllerSection;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Which processes a manifest asks for on this machine. Every Doppler index, every Traffic
 * Controller index and the gateway (when enabled) become one process each; on a multi-machine
 * deployment only the instances whose host is an address of this machine are started here, so
 * the same manifest can be used on every machine (see docs/multi-node.md).
 */
public final class DeploymentPlan {
    private final Manifest manifest;
    private final Path manifestFile;
    private final List<ComponentSpec> components;

    private DeploymentPlan(Manifest manifest, Path manifestFile, List<ComponentSpec> components) {
        this.manifest = manifest;
        this.manifestFile = manifestFile;
        this.components = List.copyOf(components);
    }

    /**
     * @param only component names to start (empty: every component whose host is local)
     * @param demo also start the demo emitter
     */
    public static DeploymentPlan of(Manifest manifest, Path manifestFile, Set<String> only, boolean demo) {
        String file = manifestFile.toAbsolutePath().toString();
        Predicate<ComponentSpec> wanted = only.isEmpty() ? spec -> true : spec -> only.contains(spec.name());
        List<ComponentSpec> specs = new ArrayList<>();
        List<DopplerSection.Instance> dopplers = manifest.doppler().instances();
        for (int i = 0; i < dopplers.size(); i++) {
            DopplerSection.Instance d = dopplers.get(i);
            ComponentSpec spec = new ComponentSpec("doppler-" + i, ComponentKind.DOPPLER,
                    List.of("--manifest", file, "--index", Integer.toString(i)), health(d.host(), d.healthPort()));
            if (wanted.test(spec) && (!only.isEmpty() || isLocal(d.host()))) {
                specs.add(spec);
            }
        }
        List<TrafficControllerSection.Instance> tcs = manifest.trafficController().instances();
        for (int i = 0; i < tcs.size(); i++) {
            TrafficControllerSection.Instance tc = tcs.get(i);
            ComponentSpec spec = new ComponentSpec("traffic-controller-" + i, ComponentKind.TRAFFIC_CONTROLLER,
                    List.of("--manifest", file, "--index", Integer.toString(i)), health(tc.host(), tc.healthPort()));
            if (wanted.test(spec) && (!only.isEmpty() || isLocal(tc.host()))) {
                specs.add(spec);
            }
        }
        GatewaySection gateway = manifest.gateway();
        if (gateway.enabled()) {
            ComponentSpec spec = new ComponentSpec("gateway", ComponentKind.GATEWAY,
                    List.of("--manifest", file), health(gateway.host(), gateway.adminPort()));
            if (wanted.test(spec) && (!only.isEmpty() || isLocal(gateway.host()))) {
                specs.add(spec);
            }
        }
        if (demo) {
            specs.add(new ComponentSpec("demo-emitter", ComponentKind.DEMO_EMITTER,
                    List.of("--manifest", file), null));
        }
        return new DeploymentPlan(manifest, manifestFile, specs);
    }

    /** The same plan with every component replaced by {@code change}'s version of it (placed elsewhere, say). */
    public DeploymentPlan map(java.util.function.UnaryOperator<ComponentSpec> change) {
        return new DeploymentPlan(manifest, manifestFile, components.stream().map(change).toList());
    }

    public Manifest manifest() {
        return manifest;
    }

    public Path manifestFile() {
        return manifestFile;
    }

    public List<ComponentSpec> components() {
        return components;
    }

    public boolean includes(ComponentKind kind) {
        return components.stream().anyMatch(c -> c.kind() == kind);
    }

    /**
     * The public logging endpoint clients use: the gateway's when it is deployed, otherwise the
     * first Traffic Controller's.
     */
    public URI loggingEndpoint() {
        String scheme = manifest.properties().loggerEndpoint().useSsl() ? "wss" : "ws";
        if (manifest.gateway().enabled()) {
            return URI.create(scheme + "://" + dialable(manifest.gateway().host()) + ":"
                    + manifest.properties().loggerEndpoint().port());
        }
        TrafficControllerSection.Instance tc = manifest.trafficController().instance(0);
        String tcScheme = manifest.trafficController().tls().configured() ? "wss" : "ws";
        return URI.create(tcScheme + "://" + dialable(tc.host()) + ":" + manifest.trafficControllerPort(0));
    }

    private static URI health(String host, int port) {
        return port == 0 ? null : URI.create("http://" + dialable(host) + ":" + port + "/health");
    }

    /** A bind address a client can dial: the wildcard addresses mean "this machine". */
    static String dialable(String host) {
        String h = host.equals("0.0.0.0") ? "127.0.0.1" : host.equals("::") || host.equals("::0") ? "::1" : host;
        return h.contains(":") && !h.startsWith("[") ? "[" + h + "]" : h;
    }

    static boolean isLocal(String host) {
        try {
            InetAddress address = InetAddress.getByName(host);
            return address.isLoopbackAddress() || address.isAnyLocalAddress()
                    || NetworkInterface.getByInetAddress(address) != null;
        } catch (UnknownHostException | SocketException e) {
            return false;
        }
    }
}
