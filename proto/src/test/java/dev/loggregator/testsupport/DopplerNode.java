package dev.loggregator.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Doppler ({@code dev.loggregator.doppler.DopplerMain}) started as a child JVM for tests,
 * on free loopback ports, from a manifest written to a temporary file. The test's classpath must
 * contain the doppler module (a test-scope dependency). {@link #start()} returns once
 * {@code /health} answers 200; {@link #close()} stops it with SIGTERM.
 *
 * <pre>
 * try (DopplerNode doppler = DopplerNode.builder().set("max_retained_log_messages", 5).start()) {
 *     ... ws://127.0.0.1:{doppler.wsPort()}/firehose/sub ...
 * }
 * </pre>
 */
public final class DopplerNode implements AutoCloseable {
    public static final String MAIN_CLASS = "dev.loggregator.doppler.DopplerMain";
    public static final String SHARED_SECRET = "test-shared-secret";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final JavaProcess process;
    private final Path manifest;
    private final Map<String, Integer> ports;

    private DopplerNode(JavaProcess process, Path manifest, Map<String, Integer> ports) {
        this.process = process;
        this.manifest = manifest;
        this.ports = ports;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds the manifest and starts the Doppler. */
    public static final class Builder {
        private final Map<String, Object> dopplerKeys = new LinkedHashMap<>();
        private final Map<String, Object> propertyKeys = new LinkedHashMap<>();
        private final Map<String, Integer> ports = new LinkedHashMap<>();
        private final List<String> jvmArgs = new ArrayList<>();
        private String name = "doppler";

        private Builder() {
            for (String key : List.of("grpc_port", "ws_port", "tcp_port", "udp_port", "health_port")) {
                ports.put(key, FreePorts.next());
            }
            ports.put("tls_port", 0);
        }

        /** A key of the {@code doppler:} section, e.g. {@code set("max_apps", 10)}; the value is written as YAML. */
        public Builder set(String key, Object yamlValue) {
            dopplerKeys.put(key, yamlValue);
            return this;
        }

        /** A key of the shared {@code properties:} section, e.g. {@code property("internal_secret", "...")}. */
        public Builder property(String key, Object yamlValue) {
            propertyKeys.put(key, yamlValue);
            return this;
        }

        /** Turns the TLS listener on (needs {@code tls} set to PEM files). */
        public Builder tlsListener() {
            ports.put("tls_port", FreePorts.next());
            return this;
        }

        /** Puts a listener ({@code grpc_port}, {@code ws_port}, ...) on {@code port}, e.g. one that is taken. */
        public Builder port(String portKey, int port) {
            ports.put(portKey, port);
            return this;
        }

        /** Turns a listener off ({@code grpc_port}, {@code tcp_port}, {@code udp_port}, {@code health_port}). */
        public Builder off(String portKey) {
            ports.put(portKey, 0);
            return this;
        }

        public Builder tls(Path cert, Path key, Path ca) {
            return set("tls", "{cert: \"" + cert + "\", key: \"" + key + "\""
                    + (ca == null ? "" : ", ca: \"" + ca + "\"") + "}");
        }

        public Builder jvmArg(String arg) {
            jvmArgs.add(arg);
            return this;
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public String manifestYaml() {
            StringBuilder yaml = new StringBuilder()
                    .append("name: test-").append(name).append('\n')
                    .append("properties:\n")
                    .append("  shared_secret: ").append(SHARED_SECRET).append('\n');
            propertyKeys.forEach((key, value) -> yaml.append("  ").append(key).append(": ").append(value).append('\n'));
            yaml
                    .append("doppler:\n")
                    .append("  instances:\n")
                    .append("    - host: 127.0.0.1\n");
            ports.forEach((key, port) -> yaml.append("      ").append(key).append(": ").append(port).append('\n'));
            dopplerKeys.forEach((key, value) -> yaml.append("  ").append(key).append(": ").append(value).append('\n'));
            yaml.append("traffic_controller:\n  auth:\n    disable_access_control: true\n");
            return yaml.toString();
        }

        public DopplerNode start() {
            try {
                Path dir = Files.createDirectories(Path.of("target", "manifests"));
                Path manifest = Files.createTempFile(dir, name + "-", ".yml");
                Files.writeString(manifest, manifestYaml());
                JavaProcess process = JavaProcess.start(name, MAIN_CLASS, jvmArgs,
                        "--manifest", manifest.toString(), "--index", "0");
                DopplerNode node = new DopplerNode(process, manifest, Map.copyOf(ports));
                node.awaitHealthy(Duration.ofSeconds(60));
                return node;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private void awaitHealthy(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (healthStatus() == 200) {
                return;
            }
            try {
                // Waiting on the process doubles as the poll interval and notices a crash at once.
                if (process.process().waitFor(100, TimeUnit.MILLISECONDS)) {
                    throw new IllegalStateException("Doppler exited with " + process.process().exitValue()
                            + " before it was healthy:\n" + process.output());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for the Doppler", e);
            }
        }
        close();
        throw new IllegalStateException("Doppler not healthy within " + timeout + ":\n" + process.output());
    }

    /** HTTP status of {@code GET /health}, or -1 when nothing answers. */
    public int healthStatus() {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort() + "/health"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The Prometheus text of {@code GET /metrics}. */
    public String metricsText() {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort() + "/metrics"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * One sample of {@code /metrics}, e.g. {@code metric("doppler_dropped_envelopes_total{reason=\"malformed\"}")}
     * or {@code metric("doppler_apps")}; 0 when absent.
     */
    public double metric(String sample) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(sample) + " (\\S+)$").matcher(metricsText());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    public int grpcPort() {
        return ports.get("grpc_port");
    }

    public int wsPort() {
        return ports.get("ws_port");
    }

    public int tcpPort() {
        return ports.get("tcp_port");
    }

    public int tlsPort() {
        return ports.get("tls_port");
    }

    public int udpPort() {
        return ports.get("udp_port");
    }

    public int healthPort() {
        return ports.get("health_port");
    }

    public String wsUrl(String path) {
        return "ws://127.0.0.1:" + wsPort() + path;
    }

    public Path manifest() {
        return manifest;
    }

    public JavaProcess process() {
        return process;
    }

    /** SIGTERM (the Doppler drains) and wait up to {@code seconds}; returns the exit status or -1. */
    public int terminate(int seconds) {
        return process.terminate(seconds);
    }

    @Override
    public void close() {
        process.close();
    }

    @Override
    public String toString() {
        return "Doppler " + process;
    }
}
