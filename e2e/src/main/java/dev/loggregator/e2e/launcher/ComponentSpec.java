package dev.loggregator.e2e.launcher;

import java.net.URI;
import java.util.List;

/**
 * One process of a deployment: a name unique within it ({@code doppler-0}, {@code gateway}), what
 * runs, the arguments after the jar or main class, and where it reports health (null when it has
 * no health endpoint: it counts as started once it has stayed alive for a moment).
 */
public record ComponentSpec(String name, ComponentKind kind, List<String> args, URI health) {

    public ComponentSpec {
        args = List.copyOf(args);
    }

    /** Start order: Dopplers before the Traffic Controllers that dial them, the gateway after its backends. */
    public int tier() {
        return kind.ordinal();
    }
}
