package dev.loggregator.trafficcontroller.support;

import static org.awaitility.Awaitility.await;

import dev.loggregator.testsupport.FreePorts;
import dev.loggregator.testsupport.JavaProcess;
import dev.loggregator.wire.framing.LengthPrefix;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * Real Doppler and Traffic Controller processes from one generated manifest, on free loopback
 * ports. Envelopes go in through a Doppler's dropsonde v1 TCP ingress, as an agent sends them.
 */
public final class Cluster implements AutoCloseable {
    public static final String DOPPLER_MAIN = "dev.loggregator.doppler.DopplerMain";
    public static final String TC_MAIN = "dev.loggregator.trafficcontroller.TrafficControllerMain";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Path manifest;
    private final int[] dopplerWsPorts;
    private final int[] dopplerTcpPorts;
    private final int[] dopplerHealthPorts;
    private final int[] dopplerGrpcPorts;
    private final int[] tcPorts;
    private final int[] tcGrpcPorts;
    private final int[] tcHealthPorts;
    private final JavaProcess[] dopplers;
    private final JavaProcess[] tcs;
    private final List<String> jvmArgs;

    private Cluster(int dopplerCount, int tcCount, String tcSection, String dopplerSection, List<String> jvmArgs)
            throws IOException {
        this.jvmArgs = jvmArgs;
        dopplerWsPorts = ports(dopplerCount);
        dopplerTcpPorts = ports(dopplerCount);
        dopplerHealthPorts = ports(dopplerCount);
        dopplerGrpcPorts = ports(dopplerCount);
        tcPorts = ports(tcCount);
        tcGrpcPorts = ports(tcCount);
        tcHealthPorts = ports(tcCount);
        StringBuilder yaml = new StringBuilder("name: tc-test\nproperties:\n  system_domain: example.com\n"
                + "  logger_endpoint:\n    port: " + tcPorts[0] + "\ndoppler:\n  instances:\n");
        for (int i = 0; i < dopplerCount; i++) {
            yaml.append("    - {host: 127.0.0.1, grpc_port: ").append(dopplerGrpcPorts[i])
                    .append(", udp_port: 0, tls_port: 0, ws_port: ").append(dopplerWsPorts[i])
                    .append(", tcp_port: ").append(dopplerTcpPorts[i]).append(", health_port: ")
                    .append(dopplerHealthPorts[i]).append("}\n");
        }
        // Sections may name Doppler 0's egress port (for doppler.dns, which has one port for all).
        yaml.append(indent(dopplerSection.replace("${DOPPLER0_WS_PORT}", Integer.toString(dopplerWsPorts[0]))));
        yaml.append("traffic_controller:\n  instances:\n");
        for (int i = 0; i < tcCount; i++) {
            yaml.append("    - {host: 127.0.0.1, port: ").append(tcPorts[i]).append(", health_port: ")
                    .append(tcHealthPorts[i]).append(", grpc_port: ").append(tcGrpcPorts[i]).append("}\n");
        }
        yaml.append(indent(tcSection));
        Path dir = Files.createDirectories(Path.of("target", "manifests"));
        manifest = Files.createTempFile(dir, "cluster-", ".yml");
        Files.writeString(manifest, yaml);
        dopplers = new JavaProcess[dopplerCount];
        tcs = new JavaProcess[tcCount];
    }

    /**
     * {@code tcSection}/{@code dopplerSection}: YAML keys inside those sections (besides instances), unindented;
     * {@code jvmArgs} go to every process (benchmarks give them bigger heaps and the full JIT).
     */
    public static Cluster start(int dopplerCount, int tcCount, String tcSection, String dopplerSection,
                                String... jvmArgs) throws IOException {
        Assumptions.assumeTrue(dopplerAvailable(), DOPPLER_MAIN + " is not on the test classpath yet");
        Cluster cluster = new Cluster(dopplerCount, tcCount, tcSection, dopplerSection, List.of(jvmArgs));
        try {
            for (int i = 0; i < dopplerCount; i++) {
                cluster.startDoppler(i);
            }
            for (int i = 0; i < tcCount; i++) {
                cluster.startTrafficController(i);
            }
            for (int i = 0; i < dopplerCount; i++) {
                cluster.awaitHealthy(cluster.dopplers[i], cluster.dopplerHealthPorts[i]);
            }
            for (int i = 0; i < tcCount; i++) {
                cluster.awaitHealthy(cluster.tcs[i], cluster.tcHealthPorts[i]);
            }
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /** The doppler module is built in parallel; until it is on main these tests are skipped, not failed. */
    public static boolean dopplerAvailable() {
        try {
            Class.forName(DOPPLER_MAIN, false, Cluster.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    public static Cluster start(int dopplerCount, int tcCount, String tcSection) throws IOException {
        return start(dopplerCount, tcCount, tcSection, "");
    }

    public void startDoppler(int i) {
        dopplers[i] = JavaProcess.start("doppler-" + i, DOPPLER_MAIN, jvmArgs, "--manifest", manifest.toString(),
                "--index", Integer.toString(i));
    }

    public void startTrafficController(int i) {
        tcs[i] = JavaProcess.start("tc-" + i, TC_MAIN, jvmArgs, "--manifest", manifest.toString(),
                "--index", Integer.toString(i));
    }

    public void awaitDopplerHealthy(int i) {
        awaitHealthy(dopplers[i], dopplerHealthPorts[i]);
    }

    private void awaitHealthy(JavaProcess process, int healthPort) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException(process + " exited:\n" + process.output());
            }
            try {
                return get("http://127.0.0.1:" + healthPort + "/health").statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
    }

    public JavaProcess doppler(int i) {
        return dopplers[i];
    }

    public JavaProcess trafficController(int i) {
        return tcs[i];
    }

    public String ws(int tc) {
        return "ws://127.0.0.1:" + tcPorts[tc];
    }

    public String http(int tc) {
        return "http://127.0.0.1:" + tcPorts[tc];
    }

    /** Doppler {@code i}'s v2 gRPC ingress. */
    public int dopplerWsPort(int i) {
        return dopplerWsPorts[i];
    }

    public int dopplerGrpcPort(int i) {
        return dopplerGrpcPorts[i];
    }

    /** Traffic Controller {@code tc}'s gRPC {@code loggregator.v2.Egress} port. */
    public int tcGrpcPort(int tc) {
        return tcGrpcPorts[tc];
    }

    public int tcPort(int tc) {
        return tcPorts[tc];
    }

    public String dopplerMetrics(int i) throws IOException {
        return get("http://127.0.0.1:" + dopplerHealthPorts[i] + "/metrics").body();
    }

    public String tcMetrics(int tc) throws IOException {
        return get("http://127.0.0.1:" + tcHealthPorts[tc] + "/metrics").body();
    }

    /** One unlabelled sample of a Prometheus text page, 0 when absent. */
    public static long sample(String metrics, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " ([0-9.eE+]+)$").matcher(metrics);
        return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
    }

    public Path manifest() {
        return manifest;
    }

    /** Sends envelopes into Doppler {@code i}'s v1 TCP ingress. */
    public void emit(int doppler, byte[]... envelopes) {
        emit(doppler, List.of(envelopes));
    }

    public void emit(int doppler, List<byte[]> envelopes) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", dopplerTcpPorts[doppler]), 5000);
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
            for (byte[] envelope : envelopes) {
                LengthPrefix.write(out, envelope);
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int dopplerTcpPort(int i) {
        return dopplerTcpPorts[i];
    }

    public static HttpResponse<String> get(String url, String... headers) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).GET();
        if (headers.length > 0) {
            request.headers(headers);
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    public static HttpResponse<byte[]> getBytes(String url, String... headers) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).GET();
        if (headers.length > 0) {
            request.headers(headers);
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    @Override
    public void close() {
        List<JavaProcess> all = new ArrayList<>();
        for (JavaProcess tc : tcs) {
            if (tc != null) {
                all.add(tc);
            }
        }
        for (JavaProcess doppler : dopplers) {
            if (doppler != null) {
                all.add(doppler);
            }
        }
        all.forEach(p -> p.process().destroy());
        all.forEach(JavaProcess::close);
    }

    private static int[] ports(int n) {
        int[] ports = new int[n];
        for (int i = 0; i < n; i++) {
            ports[i] = FreePorts.next();
        }
        return ports;
    }

    private static String indent(String section) {
        if (section == null || section.isBlank()) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        for (String line : section.split("\n")) {
            out.append("  ").append(line).append('\n');
        }
        return out.toString();
    }
}
