package dev.loggregator.e2e.netns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One "host" of a {@link TestNetwork}: a network namespace with one address on the test subnet
 * (its {@code eth0}, a veth whose other end is on the network's bridge) and its own loopback.
 */
public final class NetworkNode {
    private final String name;
    private final String namespace;
    private final String address;

    NetworkNode(String name, String namespace, String address) {
        this.name = name;
        this.namespace = namespace;
        this.address = address;
    }

    /** The short name within the network ({@code doppler-0}). */
    public String name() {
        return name;
    }

    /** The namespace's name as {@code ip netns} lists it. */
    public String namespace() {
        return namespace;
    }

    /** Its address on the test subnet. */
    public String address() {
        return address;
    }

    /** {@code command} run inside this namespace (ip netns exec execs it: the pid is the command's own). */
    public List<String> inside(List<String> command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        full.addAll(command);
        return full;
    }

    /** Runs a short command inside the namespace and returns its output. */
    public String run(String... command) {
        return SystemCommand.run(inside(List.of(command)), null);
    }

    /** Loads an nftables script into this namespace's own ruleset (nothing outside the namespace changes). */
    public void nft(String script) {
        SystemCommand.run(inside(List.of("nft", "-f", "-")), script);
    }

    /** Deletes an nftables table of this namespace if it exists. */
    public void dropNftTable(String family, String table) {
        if (SystemCommand.succeeds(inside(List.of("nft", "list", "table", family, table)).toArray(String[]::new))) {
            SystemCommand.run(inside(List.of("nft", "delete", "table", family, table)), null);
        }
    }

    /**
     * Processes started with {@link #inside} resolve names through {@code nameserver}: ip netns exec
     * mounts {@code /etc/netns/<namespace>/resolv.conf} over /etc/resolv.conf for them.
     */
    public void useNameserver(String nameserver) {
        Path dir = TestNetwork.configDirectory(namespace);
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("resolv.conf"), "nameserver " + nameserver + "\noptions timeout:1 attempts:2\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return name + " (" + address + ", netns " + namespace + ")";
    }
}
