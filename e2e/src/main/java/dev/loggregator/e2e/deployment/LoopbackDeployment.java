package dev.loggregator.e2e.deployment;

import dev.loggregator.e2e.client.LogEndpointClient;
import dev.loggregator.e2e.credentials.PemKeys;
import dev.loggregator.e2e.credentials.TokenMinter;
import dev.loggregator.wire.ingress.V2IngressClient;
import dev.loggregator.e2e.launcher.DeploymentPlan;
import dev.loggregator.net.PortPicker;
import dev.loggregator.e2e.launcher.Launcher;
import dev.loggregator.e2e.launcher.ProjectLayout;
import dev.loggregator.e2e.launcher.RunDirectory;
import dev.loggregator.e2e.launcher.RunningSystem;
import dev.loggregator.e2e.tls.DevCertificate;
import dev.loggregator.manifest.ManifestLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A whole deployment on this machine for a test or a benchmark run: a manifest on free loopback
 * ports (access control on, RS256 tokens from a key pair made here), started as real processes by
 * the launcher bin/loggregator uses, from the jars Maven built. {@link #close()} stops every process.
 */
public final class LoopbackDeployment implements AutoCloseable {
    /** The Traffic Controllers check both (traffic_controller.auth.jwt.issuer, .audience), as a real deployment should. */
    static final String ISSUER = "https://uaa.e2e.test/oauth/token";
    static final String AUDIENCE = "doppler";
    /** Traffic Controllers present it to the Dopplers' egress port (properties.internal_secret). */
    static final String INTERNAL_SECRET = "e2e-internal-secret-at-least-32-bytes";
    /** For tests: small heaps and C1 only, since six JVMs share this 2-core machine with the test. */
    public static final List<String> TEST_JVM_ARGS = List.of("-Xms32m", "-Xmx256m", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1", "-XX:+ExitOnOutOfMemoryError");

    private final Builder spec;
    private final RunningSystem system;
    private final TokenMinter minter;
    private final HttpClient http;
    private final List<V2IngressClient> ingressClients = new ArrayList<>();

    private LoopbackDeployment(Builder spec, RunningSystem system, TokenMinter minter, HttpClient http) {
        this.spec = spec;
        this.system = system;
        this.minter = minter;
        this.http = http;
    }

    public static Builder in(Path dir) {
        return new Builder(dir);
    }

    public static final class Builder {
        private final Path dir;
        private List<String> jvmArgs = TEST_JVM_ARGS;
        private boolean build;
        private int dopplers = 1;
        private int trafficControllers = 1;
        private boolean gateway;
        private boolean trafficControllerGrpc;
        private boolean demo;
        private String cloudControllerUrl;
        private final SectionExtras extras = new SectionExtras();
        private final List<int[]> dopplerPorts = new ArrayList<>();
        private final List<int[]> tcPorts = new ArrayList<>();
        private int endpointPort;
        private int gatewayAdminPort;
        private Path publicKey;
        private Path certificate;

        private Builder(Path dir) {
            this.dir = dir;
        }

        /** JVM options of every component (default {@link #TEST_JVM_ARGS}). */
        public Builder jvmArgs(List<String> args) {
            jvmArgs = List.copyOf(args);
            return this;
        }

        /** Build missing or outdated jars first, as bin/loggregator does (the benchmark); tests use what Maven built. */
        public Builder buildIfNeeded() {
            build = true;
            return this;
        }

        public Builder dopplers(int n) {
            dopplers = n;
            return this;
        }

        public Builder trafficControllers(int n) {
            trafficControllers = n;
            return this;
        }

        /** A gateway with TLS on the logging endpoint (wss://), in front of the Traffic Controllers. */
        public Builder gatewayWithTls() {
            gateway = true;
            return this;
        }

        /** Serve the Traffic Controllers' gRPC port ({@code loggregator.v2.Egress}, {@code logcache.v1.Egress}), plaintext. */
        public Builder trafficControllerGrpc() {
            trafficControllerGrpc = true;
            return this;
        }

        /** Also run the demo emitter (bin/loggregator up --demo). */
        public Builder demo() {
            demo = true;
            return this;
        }

        public Builder cloudController(URI url) {
            cloudControllerUrl = url.toString();
            return this;
        }

        /** Extra YAML lines for the doppler section, e.g. {@code "message_drain_buffer_size: 100"}. */
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

        String manifest() {
            StringBuilder yaml = new StringBuilder("name: e2e\nproperties:\n  logger_endpoint: {port: " + endpointPort
                    + ", use_ssl: " + gateway + "}\n  shared_secret: e2e-secret\n  internal_secret: " + INTERNAL_SECRET
                    + "\ndoppler:\n  instances:\n");
            for (int[] p : dopplerPorts) {
                yaml.append("    - {host: 127.0.0.1, grpc_port: ").append(p[0]).append(", ws_port: ").append(p[1])
                        .append(", tcp_port: 0, udp_port: 0, tls_port: 0, health_port: ").append(p[2]).append("}\n");
            }
            yaml.append(extras.doppler());
            yaml.append("traffic_controller:\n  instances:\n");
            for (int[] p : tcPorts) {
                yaml.append("    - {host: 127.0.0.1, port: ").append(p[0]).append(", health_port: ").append(p[1]);
                if (trafficControllerGrpc) {
                    yaml.append(", grpc_port: ").append(p[2]);
                }
                yaml.append("}\n");
            }
            yaml.append("  auth:\n    jwt: {public_key_pem: '").append(publicKey).append("', issuer: ").append(ISSUER)
                    .append(", audience: ").append(AUDIENCE).append("}\n");
            if (cloudControllerUrl != null) {
                yaml.append("    cloud_controller: {url: '").append(cloudControllerUrl).append("', cache_seconds: 1}\n");
            }
            yaml.append(extras.trafficController());
            if (gateway) {
                yaml.append("gateway:\n  enabled: true\n  host: 127.0.0.1\n  admin_port: ").append(gatewayAdminPort)
                        .append("\n  tls: {default_certificate: {cert: '").append(certificate).append("', key: '")
                        .append(dir.resolve("gateway-key.pem")).append("'}}\n").append(extras.gateway());
            }
            return yaml.toString();
        }

        public LoopbackDeployment start() {
            try {
                Files.createDirectories(dir);
                KeyPair keys = PemKeys.generateRsa();
                publicKey = dir.resolve("jwt-public.pem");
                PemKeys.writePublic(publicKey, keys.getPublic());
                HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
                if (gateway) {
                    certificate = dir.resolve("gateway-cert.pem");
                    DevCertificate.write(certificate, dir.resolve("gateway-key.pem"));
                    http.sslContext(DevCertificate.trusting(certificate));
                }
                for (int i = 0; i < dopplers; i++) {
                    dopplerPorts.add(new int[] {PortPicker.freeLoopbackPort(), PortPicker.freeLoopbackPort(), PortPicker.freeLoopbackPort()});
                }
                for (int i = 0; i < trafficControllers; i++) {
                    tcPorts.add(new int[] {PortPicker.freeLoopbackPort(), PortPicker.freeLoopbackPort(), PortPicker.freeLoopbackPort()});
                }
                endpointPort = PortPicker.freeLoopbackPort();
                gatewayAdminPort = PortPicker.freeLoopbackPort();
                Path manifestFile = dir.resolve("manifest.yml");
                Files.writeString(manifestFile, manifest());
                DeploymentPlan plan = DeploymentPlan.of(ManifestLoader.load(manifestFile), manifestFile, Set.of(), demo);
                Launcher launcher = new Launcher(ProjectLayout.find(Path.of("")), new RunDirectory(dir.resolve("run")),
                        new Launcher.Options(jvmArgs, build, false, Duration.ofSeconds(120), System.out));
                RunningSystem system = launcher.up(plan);
                return new LoopbackDeployment(this, system, TokenMinter.rs256(keys.getPrivate(), ISSUER, AUDIENCE), http.build());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    public RunningSystem system() {
        return system;
    }

    public Path directory() {
        return spec.dir;
    }

    public java.security.interfaces.RSAPublicKey tokenKey() {
        try {
            return (java.security.interfaces.RSAPublicKey) PemKeys.readPublic(spec.publicKey);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path certificate() {
        return spec.certificate;
    }

    /** The public logging endpoint: the gateway's wss:// when deployed, else the first Traffic Controller. */
    public URI endpoint() {
        return spec.gateway ? URI.create("wss://127.0.0.1:" + spec.endpointPort) : trafficController(0);
    }

    public URI trafficController(int index) {
        return URI.create("ws://127.0.0.1:" + spec.tcPorts.get(index)[0]);
    }

    /** Traffic Controller {@code index}'s client port for plain HTTP requests ({@code /v2/read}, Log Cache). */
    public URI trafficControllerHttp(int index) {
        return URI.create("http://127.0.0.1:" + spec.tcPorts.get(index)[0]);
    }

    /** Traffic Controller {@code index}'s gRPC port (see {@link Builder#trafficControllerGrpc()}). */
    public int trafficControllerGrpcPort(int index) {
        if (!spec.trafficControllerGrpc) {
            throw new IllegalStateException("the deployment serves no gRPC egress: use trafficControllerGrpc()");
        }
        return spec.tcPorts.get(index)[2];
    }

    /** {@code host:port} of Traffic Controller {@code index} as the gateway names its backends. */
    public String trafficControllerAddress(int index) {
        return "127.0.0.1:" + spec.tcPorts.get(index)[0];
    }

    /** Traffic Controller {@code index}'s {@code /health} and {@code /metrics}. */
    public URI trafficControllerAdmin(int index) {
        return URI.create("http://127.0.0.1:" + spec.tcPorts.get(index)[1]);
    }

    public URI gatewayAdmin() {
        return URI.create("http://127.0.0.1:" + spec.gatewayAdminPort);
    }

    public LogEndpointClient client() {
        return new LogEndpointClient(http, endpoint());
    }

    public LogEndpointClient client(URI endpoint) {
        return new LogEndpointClient(http, endpoint);
    }

    /** A v2 gRPC ingress stream into Doppler {@code index}, closed with the deployment. */
    public synchronized V2IngressClient ingress(int index) {
        V2IngressClient client = new V2IngressClient("127.0.0.1", spec.dopplerPorts.get(index)[0]);
        ingressClients.add(client);
        return client;
    }

    public String token(String user, String... scopes) {
        return minter.mint(user, List.of(scopes), Duration.ofHours(1));
    }

    /** A token that expires {@code ttl} from now (negative: already expired). */
    public String token(String user, List<String> scopes, Duration ttl) {
        return minter.mint(user, scopes, ttl);
    }

    /** {@code bearer <jwt>} for an operator with doppler.firehose and doppler.admin. */
    public String operator() {
        return "bearer " + token("operator", "doppler.firehose", "doppler.admin");
    }

    @Override
    public void close() {
        synchronized (this) {
            for (V2IngressClient client : ingressClients) {
                client.close();
            }
        }
        system.close();
    }
}
