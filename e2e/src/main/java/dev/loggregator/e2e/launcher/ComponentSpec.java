package dev.loggregator.e2e.launcher;

import java.net.URI;
import java.util.List;

/**
 * One process of a deployment: a name unique within it ({@code doppler-0}, {@code gateway}), what
 * runs, the arguments after the jar or main class, where it reports health (null when it has no
 * health endpoint: it counts as started once it has stayed alive for a moment), and a command
 * prefix it is started through (empty, or e.g. {@code ip netns exec NS} to run it on another
 * network, as the fault tests do; the prefix must exec, so the process started is the component).
 */
public record ComponentSpec(String name, ComponentKind kind, List<String> args, URI health, List<String> launchPrefix) {

    public ComponentSpec {
        args = List.copyOf(args);
        launchPrefix = List.copyOf(launchPrefix);
    }

    public ComponentSpec(String name, ComponentKind kind, List<String> args, URI health) {
        this(name, kind, args, health, List.of());
    }

    /** This component started through {@code prefix} and probed for health at {@code healthUri}. */
    public ComponentSpec placed(List<String> prefix, URI healthUri) {
        return new ComponentSpec(name, kind, args, healthUri, prefix);
    }

    /** Start order: Dopplers before the Traffic Controllers that dial them, the gateway after its backends. */
    public int tier() {
        return kind.ordinal();
    }
}
