package dev.loggregator.e2e.deployment;

import dev.loggregator.e2e.credentials.PemKeys;
import dev.loggregator.e2e.credentials.TokenMinter;
import dev.loggregator.e2e.launcher.DeploymentPlan;
import dev.loggregator.e2e.launcher.Launcher;
import dev.loggregator.e2e.launcher.ProjectLayout;
import dev.loggregator.e2e.launcher.RunDirectory;
import dev.loggregator.e2e.launcher.RunningSystem;
import dev.loggregator.e2e.netns.DnsServer;
import dev.loggregator.e2e.netns.Forwarder;
import dev.loggregator.e2e.netns.NamespaceGate;
import dev.loggregator.e2e.netns.NetworkNode;
import dev.loggregator.e2e.netns.TestNetwork;
import dev.loggregator.manifest.ManifestLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A whole deployment spread over "hosts": every Doppler, Traffic Controller and the gateway runs in
 * its own network namespace of a {@link TestNetwork} (its own address, the manifest's default
 * ports), Traffic Controllers find the Dopplers by DNS (a real dnsmasq on its own node, as
 * docs/multi-node.md describes), and the test reaches the system from a client node through
 * loopback ports of this machine ({@link #dopplerIngress}, {@link #endpoint}). Faults are injected
 * inside the namespaces only: a partition between two nodes (an nftables rule), and latency and loss
 * on the link between one Traffic Controller and one Doppler, which runs through a relay in this JVM
 * ({@link #degradeLink}). Components are started, killed and restarted by the launcher
 * bin/loggregator uses ({@link #system()}).
 */
public final class NamespaceDeployment implements AutoCloseable {
    public static final String DOMAIN = "loggregator.test";
    public static final String DOPPLER_NAME = "doppler." + DOMAIN;
    static final int GRPC_PORT = 8082;
    static final int WS_PORT = 8081;
    static final int TCP_PORT = 3458;
    static final int DOPPLER_HEALTH = 14825;
    static final int TC_PORT = 8080;
    static final int TC_HEALTH = 14826;
    static final int ENDPOINT_PORT = 4443;
    static final int GATEWAY_ADMIN = 14827;

    private final Builder spec;
    private final Map<String, NetworkNode> nodes;
    private final Map<String, Forwarder> forwards;
    private final Forwarder relay;
    private final RunningSystem system;
    private final TokenMinter minter;
    private final List<AutoCloseable> resources;

    private NamespaceDeployment(Builder spec, Map<String, NetworkNode> nodes,
                                Map<String, Forwarder> forwards, Forwarder relay, RunningSystem system, TokenMinter minter,
                                List<AutoCloseable> resources) {
        this.spec = spec;
        this.nodes = nodes;
        this.forwards = forwards;
        this.relay = relay;
        this.system = system;
        this.minter = minter;
        this.resources = resources;
    }

    public static Builder in(Path dir) {
        return new Builder(dir);
    }

    public static final class Builder {
        private final Path dir;
        private int dopplers = 2;
        private int trafficControllers = 2;
        private final SectionExtras extras = new SectionExtras();
        private int slowLinkTc = -1;
        private int slowLinkDoppler = -1;
        private List<String> jvmArgs = LoopbackDeployment.TEST_JVM_ARGS;

        private Builder(Path dir) {
            this.dir = dir;
        }

        public Builder dopplers(int n) {
            dopplers = n;
            return this;
        }

        public Builder trafficControllers(int n) {
            trafficControllers = n;
            return this;
        }

        public Builder jvmArgs(List<String> args) {
            jvmArgs = List.copyOf(args);
            return this;
        }

        /** Extra YAML lines for the doppler section, e.g. {@code "replay_seconds: 5"}. */
        public Builder doppler(String yamlLines) {
            extras.doppler(yamlLines);
            return this;
        }

        public Builder trafficController(String yamlLines) {
            extras.trafficController(yamlLines);
            return this;
        }

        public Builder gateway(String yamlLines) {
            extras.gateway(yamlLines);
            return this;
        }

        /**
         * Route the link from Traffic Controller {@code tc} to Doppler {@code doppler} through a relay
         * (a relay node, nftables DNAT in the Traffic Controller's namespace), so {@link #degradeLink}
         * can slow it down and make it lose packets. Undisturbed, the relay only passes bytes on.
         */
        public Builder relayedLink(int tc, int doppler) {
            slowLinkTc = tc;
            slowLinkDoppler = doppler;
            return this;
        }

        String manifest(Path publicKey) {
            StringBuilder yaml = new StringBuilder("name: faults\nproperties:\n  system_domain: " + DOMAIN
                    + "\n  logger_endpoint: {port: " + ENDPOINT_PORT + ", use_ssl: false}\n  shared_secret: faults-secret\n"
                    + "  internal_secret: " + LoopbackDeployment.INTERNAL_SECRET + "\n");
            yaml.append("doppler:\n  instances:\n");
            for (int i = 0; i < dopplers; i++) {
                yaml.append("    - {host: ").append(address(dopplerHost(i))).append(", grpc_port: ").append(GRPC_PORT)
                        .append(", ws_port: ").append(WS_PORT).append(", tcp_port: ").append(TCP_PORT)
                        .append(", udp_port: 0, tls_port: 0, health_port: ").append(DOPPLER_HEALTH).append("}\n");
            }
            yaml.append("  dns: {name: ").append(DOPPLER_NAME).append(", ws_port: ").append(WS_PORT)
                    .append(", refresh_seconds: 1}\n").append(extras.doppler());
            yaml.append("traffic_controller:\n  instances:\n");
            for (int i = 0; i < trafficControllers; i++) {
                yaml.append("    - {host: ").append(address(tcHost(i))).append(", port: ").append(TC_PORT)
                        .append(", health_port: ").append(TC_HEALTH).append("}\n");
            }
            yaml.append("  auth:\n    jwt: {public_key_pem: '").append(publicKey).append("', issuer: '")
                    .append(LoopbackDeployment.ISSUER).append("', audience: ").append(LoopbackDeployment.AUDIENCE).append("}\n").append(extras.trafficController());
            yaml.append("gateway:\n  enabled: true\n  host: ").append(address(GATEWAY_HOST)).append("\n  admin_port: ")
                    .append(GATEWAY_ADMIN).append('\n').append(extras.gateway());
            return yaml.toString();
        }

        public NamespaceDeployment start() {
            List<AutoCloseable> resources = new ArrayList<>();
            try {
                return start(resources);
            } catch (RuntimeException | IOException e) {
                closeAll(resources);
                if (e instanceof IOException io) {
                    throw new UncheckedIOException(io);
                }
                throw (RuntimeException) e;
            }
        }

        private NamespaceDeployment start(List<AutoCloseable> resources) throws IOException {
            Files.createDirectories(dir);
            // Unix socket paths must stay short (about 100 bytes): a directory of their own under /tmp.
            Path sockets = Files.createTempDirectory(Path.of("/tmp"), "lgf");
            resources.add(() -> deleteTree(sockets));
            TestNetwork network = TestNetwork.create();
            resources.add(network);
            Map<String, NetworkNode> nodes = new LinkedHashMap<>();
            for (int i = 0; i < dopplers; i++) {
                nodes.put("doppler-" + i, network.add("doppler-" + i, dopplerHost(i)));
            }
            for (int i = 0; i < trafficControllers; i++) {
                nodes.put("traffic-controller-" + i, network.add("traffic-controller-" + i, tcHost(i)));
            }
            nodes.put("gateway", network.add("gateway", GATEWAY_HOST));
            NetworkNode dnsNode = network.add("dns", DNS_HOST);
            NetworkNode client = network.add("client", CLIENT_HOST);

            List<String> dopplerAddresses = new ArrayList<>();
            for (int i = 0; i < dopplers; i++) {
                dopplerAddresses.add(address(dopplerHost(i)));
            }
            resources.add(DnsServer.start(dnsNode, dir.resolve("dns"), DOMAIN, Map.of(DOPPLER_NAME, dopplerAddresses)));
            for (int i = 0; i < trafficControllers; i++) {
                nodes.get("traffic-controller-" + i).useNameserver(dnsNode.address());
            }

            Forwarder relay = null;
            if (slowLinkTc >= 0) {
                NetworkNode relayNode = network.add("relay", RELAY_HOST);
                nodes.put("relay", relayNode);
                Path in = sockets.resolve("relay-in.sock");
                Path out = sockets.resolve("relay-out.sock");
                relay = Forwarder.unixToUnix("relay", in, out);
                resources.add(relay);
                resources.add(NamespaceGate.start(relayNode, dir.resolve("gate-relay.log"), sockets.resolve("gate-relay.ready"),
                        List.of("--listen", relayNode.address() + ":" + WS_PORT + "=" + in,
                                "--connect", out + "=" + address(dopplerHost(slowLinkDoppler)) + ":" + WS_PORT)));
                // The Traffic Controller dials the Doppler's own address; its namespace sends that link to the relay.
                nodes.get("traffic-controller-" + slowLinkTc).nft("table ip relay {\n chain out {\n"
                        + "  type nat hook output priority -100;\n  ip daddr " + address(dopplerHost(slowLinkDoppler))
                        + " tcp dport " + WS_PORT + " dnat to " + relayNode.address() + ":" + WS_PORT + "\n }\n}\n");
            }

            Map<String, InetSocketAddress> targets = new LinkedHashMap<>();
            for (int i = 0; i < dopplers; i++) {
                targets.put("doppler-" + i + "-grpc", target(dopplerHost(i), GRPC_PORT));
                targets.put("doppler-" + i + "-health", target(dopplerHost(i), DOPPLER_HEALTH));
            }
            for (int i = 0; i < trafficControllers; i++) {
                targets.put("traffic-controller-" + i + "-api", target(tcHost(i), TC_PORT));
                targets.put("traffic-controller-" + i + "-health", target(tcHost(i), TC_HEALTH));
            }
            targets.put("gateway-api", target(GATEWAY_HOST, ENDPOINT_PORT));
            targets.put("gateway-health", target(GATEWAY_HOST, GATEWAY_ADMIN));
            List<String> gateArgs = new ArrayList<>();
            Map<String, Forwarder> forwards = new LinkedHashMap<>();
            for (Map.Entry<String, InetSocketAddress> target : targets.entrySet()) {
                Path socket = sockets.resolve(target.getKey() + ".sock");
                gateArgs.addAll(List.of("--connect", socket + "=" + target.getValue().getHostString() + ":"
                        + target.getValue().getPort()));
                Forwarder forward = Forwarder.loopbackToUnix(target.getKey(), socket);
                resources.add(forward);
                forwards.put(target.getKey(), forward);
            }
            resources.add(NamespaceGate.start(client, dir.resolve("gate-client.log"), sockets.resolve("gate-client.ready"), gateArgs));

            KeyPair keys = PemKeys.generateRsa();
            Path publicKey = dir.resolve("jwt-public.pem");
            PemKeys.writePublic(publicKey, keys.getPublic());
            Path manifestFile = dir.resolve("manifest.yml");
            Files.writeString(manifestFile, manifest(publicKey));
            Set<String> all = new java.util.LinkedHashSet<>(nodes.keySet());
            all.remove("relay");
            DeploymentPlan plan = DeploymentPlan.of(ManifestLoader.load(manifestFile), manifestFile, all, false)
                    .map(component -> component.placed(nodes.get(component.name()).inside(List.of()),
                            URI.create("http://127.0.0.1:" + forwards.get(component.name() + "-health").port() + "/health")));
            Launcher launcher = new Launcher(ProjectLayout.find(Path.of("")), new RunDirectory(dir.resolve("run")),
                    new Launcher.Options(jvmArgs, false, false, Duration.ofSeconds(120), System.out));
            RunningSystem system = launcher.up(plan);
            resources.add(system);
            return new NamespaceDeployment(this, nodes, forwards, relay, system,
                    TokenMinter.rs256(keys.getPrivate(), LoopbackDeployment.ISSUER, LoopbackDeployment.AUDIENCE), resources);
        }
    }

    static final int GATEWAY_HOST = 31;
    static final int RELAY_HOST = 41;
    static final int DNS_HOST = 53;
    static final int CLIENT_HOST = 100;

    static int dopplerHost(int index) {
        return 11 + index;
    }

    static int tcHost(int index) {
        return 21 + index;
    }

    static String address(int host) {
        return TestNetwork.SUBNET + host;
    }

    private static InetSocketAddress target(int host, int port) {
        return InetSocketAddress.createUnresolved(address(host), port);
    }

    public RunningSystem system() {
        return system;
    }

    public Path directory() {
        return spec.dir;
    }

    public NetworkNode node(String name) {
        NetworkNode node = nodes.get(name);
        if (node == null) {
            throw new IllegalArgumentException("no node " + name + "; have " + nodes.keySet());
        }
        return node;
    }

    /** Where this JVM reaches Doppler {@code index}'s v2 gRPC ingress (through the client node). */
    public InetSocketAddress dopplerIngress(int index) {
        return new InetSocketAddress("127.0.0.1", forwards.get("doppler-" + index + "-grpc").port());
    }

    /** The public logging endpoint, the gateway, as this JVM reaches it: {@code ws://127.0.0.1:<port>}. */
    public URI endpoint() {
        return URI.create("ws://127.0.0.1:" + forwards.get("gateway-api").port());
    }

    /** {@code /metrics} of a component ({@code doppler-0}, {@code traffic-controller-1}, {@code gateway}). */
    public URI metrics(String component) {
        return URI.create("http://127.0.0.1:" + forwards.get(component + "-health").port() + "/metrics");
    }

    public List<String> componentNames() {
        return nodes.keySet().stream().filter(name -> !name.equals("relay")).collect(Collectors.toList());
    }

    public String token(String user, String... scopes) {
        return minter.mint(user, List.of(scopes), Duration.ofHours(2));
    }

    /** {@code bearer <jwt>} for an operator with doppler.firehose and doppler.admin. */
    public String operator() {
        return "bearer " + token("operator", "doppler.firehose", "doppler.admin");
    }

    /**
     * Cuts every packet between nodes {@code a} and {@code b} (both ways, silently, as a failed switch
     * would: connections stall rather than close) with an nftables table in {@code a}'s namespace;
     * closing the returned handle heals it.
     */
    public AutoCloseable partition(String a, String b) {
        NetworkNode from = node(a);
        String other = node(b).address();
        String table = "partition_" + b.replace('-', '_');
        from.nft("table inet " + table + " {\n chain in {\n  type filter hook input priority 0;\n  ip saddr " + other
                + " drop\n }\n chain out {\n  type filter hook output priority 0;\n  ip daddr " + other + " drop\n }\n}\n");
        return () -> from.dropNftTable("inet", table);
    }

    /**
     * Adds {@code oneWay} latency in each direction and {@code lossPercent} random packet loss (both
     * ways, by nftables in the relay node) to the relayed link ({@link Builder#relayedLink}); closing the
     * returned handle restores it.
     */
    public AutoCloseable degradeLink(Duration oneWay, int lossPercent) {
        if (relay == null) {
            throw new IllegalStateException("no relayed link: use Builder.relayedLink");
        }
        NetworkNode relayNode = node("relay");
        String doppler = address(dopplerHost(spec.slowLinkDoppler));
        relay.delay(oneWay);
        if (lossPercent > 0) {
            relayNode.nft("table inet loss {\n chain in {\n  type filter hook input priority 0;\n  ip saddr " + doppler
                    + " numgen random mod 100 < " + lossPercent + " drop\n }\n chain out {\n"
                    + "  type filter hook output priority 0;\n  ip daddr " + doppler + " numgen random mod 100 < "
                    + lossPercent + " drop\n }\n}\n");
        }
        return () -> {
            relayNode.dropNftTable("inet", "loss");
            relay.delay(Duration.ZERO);
        };
    }

    /** The Traffic Controller and Doppler whose link runs through the relay. */
    public String relayedLink() {
        return "traffic-controller-" + spec.slowLinkTc + " - doppler-" + spec.slowLinkDoppler;
    }

    @Override
    public void close() {
        closeAll(resources);
    }

    private static void closeAll(List<AutoCloseable> resources) {
        List<AutoCloseable> reversed = new ArrayList<>(resources);
        Collections.reverse(reversed);
        for (AutoCloseable resource : reversed) {
            try {
                resource.close();
            } catch (Exception e) {
                System.err.println("closing " + resource + ": " + e);
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var files = Files.walk(dir)) {
            for (Path file : (Iterable<Path>) files.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(file);
            }
        }
    }
}
