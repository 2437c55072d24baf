package dev.loggregator.e2e.netns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A private network of Linux network namespaces, made for one test run: a hub namespace holding a
 * bridge, and one namespace per node joined to it by a veth pair, with addresses on
 * {@value #SUBNET}0/24 that exist only inside these namespaces. Nothing is added to the machine's
 * own namespace: its interfaces, addresses, routes and firewall are never touched. Namespaces are
 * named {@code lgf<pid>-<node>} after the creating JVM, so a run finds and removes what an earlier
 * run that died left behind, and runs in parallel never meet.
 */
public final class TestNetwork implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TestNetwork.class);
    public static final String SUBNET = "10.213.0.";
    private static final String PREFIX = "lgf";
    private static final Pattern OURS = Pattern.compile("^" + PREFIX + "(\\d+)-\\S+");

    private final String id;
    private final String hub;
    private final List<NetworkNode> nodes = new ArrayList<>();
    private boolean closed;

    private TestNetwork(String id) {
        this.id = id;
        this.hub = id + "-hub";
    }

    /**
     * Why this machine cannot run namespace tests (not Linux, not root, no {@code ip}, namespaces
     * or veth pairs refused, as in many containers), or empty when it can.
     */
    public static Optional<String> unavailableReason() {
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
            return Optional.of("network namespaces need Linux");
        }
        if (!SystemCommand.succeeds("ip", "-V")) {
            return Optional.of("the ip command (iproute2) is missing");
        }
        String uid = SystemCommand.succeeds("id", "-u") ? SystemCommand.run("id", "-u").strip() : "?";
        if (!uid.equals("0")) {
            return Optional.of("creating network namespaces needs root (running as uid " + uid + ")");
        }
        String probe = PREFIX + ProcessHandle.current().pid() + "-probe";
        try {
            SystemCommand.run("ip", "netns", "add", probe);
            SystemCommand.run("ip", "netns", "exec", probe, "ip", "link", "add", "p0", "type", "veth", "peer", "name", "p1");
            SystemCommand.run("ip", "netns", "exec", probe, "ip", "link", "add", "b0", "type", "bridge");
            return Optional.empty();
        } catch (NetworkSetupException e) {
            return Optional.of("this machine refuses network namespaces, veth pairs or bridges: " + e.getMessage());
        } finally {
            SystemCommand.succeeds("ip", "netns", "del", probe);
        }
    }

    /** A new network with its hub; namespaces left by earlier runs whose JVM is gone are removed first. */
    public static TestNetwork create() {
        removeLeftovers();
        TestNetwork network = new TestNetwork(PREFIX + ProcessHandle.current().pid());
        try {
            SystemCommand.run("ip", "netns", "add", network.hub);
            network.hubRun("ip", "link", "set", "lo", "up");
            network.hubRun("ip", "link", "add", "br0", "type", "bridge");
            network.hubRun("ip", "link", "set", "br0", "up");
            // A test JVM stopped from outside (a fork timeout, Ctrl-C) still removes its namespaces.
            Runtime.getRuntime().addShutdownHook(new Thread(network::close, network.id + "-cleanup"));
            return network;
        } catch (RuntimeException e) {
            network.close();
            throw e;
        }
    }

    /** A node with address {@code SUBNET + host} (e.g. 11 for 10.213.0.11). */
    public synchronized NetworkNode add(String name, int host) {
        String namespace = id + "-" + name;
        String address = SUBNET + host;
        String hubSide = "h" + host;
        SystemCommand.run("ip", "netns", "add", namespace);
        NetworkNode node = new NetworkNode(name, namespace, address);
        nodes.add(node);
        hubRun("ip", "link", "add", hubSide, "type", "veth", "peer", "name", "eth0", "netns", namespace);
        hubRun("ip", "link", "set", hubSide, "master", "br0");
        hubRun("ip", "link", "set", hubSide, "up");
        node.run("ip", "addr", "add", address + "/24", "dev", "eth0");
        node.run("ip", "link", "set", "eth0", "up");
        node.run("ip", "link", "set", "lo", "up");
        return node;
    }

    private void hubRun(String... command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", hub));
        full.addAll(List.of(command));
        SystemCommand.run(full, null);
    }

    static Path configDirectory(String namespace) {
        return Path.of("/etc/netns", namespace);
    }

    /** Kills whatever still runs in the namespaces, deletes them (their links go with them) and their /etc/netns entries. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<String> namespaces = new ArrayList<>();
        nodes.forEach(node -> namespaces.add(node.namespace()));
        namespaces.add(hub);
        namespaces.forEach(TestNetwork::remove);
    }

    private static void removeLeftovers() {
        for (String line : SystemCommand.run("ip", "netns", "list").split("\n")) {
            Matcher matcher = OURS.matcher(line.strip());
            if (matcher.find() && ProcessHandle.of(Long.parseLong(matcher.group(1))).map(h -> !h.isAlive()).orElse(true)) {
                String namespace = matcher.group().split("\\s")[0];
                LOG.info("removing network namespace {} left by an earlier run", namespace);
                remove(namespace);
            }
        }
    }

    private static void remove(String namespace) {
        try {
            for (String pid : SystemCommand.run("ip", "netns", "pids", namespace).split("\\s+")) {
                if (!pid.isBlank()) {
                    ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
        } catch (NetworkSetupException e) {
            // Already gone.
        }
        SystemCommand.succeeds("ip", "netns", "del", namespace);
        Path config = configDirectory(namespace);
        if (Files.isDirectory(config)) {
            try (Stream<Path> files = Files.walk(config)) {
                for (Path file : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                    Files.deleteIfExists(file);
                }
            } catch (IOException e) {
                LOG.warn("cannot remove {}: {}", config, e.getMessage());
            }
        }
    }
}
