package dev.loggregator.doppler.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Doppler under test: the shaded jar as deployed ({@code doppler/target/doppler.jar}), in its
 * own JVM with production-like options, on free loopback ports.
 */
final class BenchmarkDoppler implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final int grpcPort;
    final int wsPort;
    final int healthPort;
    private final Process process;
    private final Path log;

    BenchmarkDoppler(List<String> jvmOptions, String extraDopplerYaml) throws IOException, InterruptedException {
        Path jar = Path.of("doppler", "target", "doppler.jar");
        if (!Files.exists(jar)) {
            jar = Path.of("target", "doppler.jar");
        }
        if (!Files.exists(jar)) {
            throw new IllegalStateException("doppler.jar not found: build it first (./mvnw -pl doppler -am package -DskipTests)");
        }
        grpcPort = freePort();
        wsPort = freePort();
        healthPort = freePort();
        Path manifest = Files.createTempFile("doppler-bench-", ".yml");
        Files.writeString(manifest, """
                name: bench
                properties:
                  shared_secret: bench
                doppler:
                  instances:
                    - host: 127.0.0.1
                      grpc_port: %d
                      ws_port: %d
                      tcp_port: 0
                      udp_port: 0
                      health_port: %d
                  metrics_interval_seconds: 3600
                %s
                traffic_controller:
                  auth:
                    disable_access_control: true
                """.formatted(grpcPort, wsPort, healthPort, extraDopplerYaml));
        log = Files.createTempFile("doppler-bench-", ".log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString(), "--manifest", manifest.toString(), "--index", "0"));
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (health() != 200) {
            if (process.waitFor(100, TimeUnit.MILLISECONDS) || System.nanoTime() > deadline) {
                throw new IllegalStateException("Doppler did not start:\n" + Files.readString(log));
            }
        }
    }

    long pid() {
        return process.pid();
    }

    private int health() {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort + "/health")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    double metric(String sample) throws IOException, InterruptedException {
        String text = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort + "/metrics"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(sample) + " (\\S+)$").matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    double shed() throws IOException, InterruptedException {
        return metric("doppler_dropped_envelopes_total{reason=\"ingress_shed\"}");
    }

    double droppedForSubscribers() throws IOException, InterruptedException {
        return metric("doppler_dropped_envelopes_total{reason=\"slow_subscriber\"}");
    }

    double droppedTotal() throws IOException, InterruptedException {
        return shed() + droppedForSubscribers();
    }

    /** Resident set size of the Doppler process in bytes (Linux). */
    long rssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
            }
        }
        return -1;
    }

    /** CPU time (user + system) the Doppler process has used so far, in seconds (Linux). */
    double cpuSeconds() throws IOException {
        String stat = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // fields[0] is state (field 3); utime and stime are fields 14 and 15, in clock ticks (100/s on Linux).
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
    }

    /** Runs a full GC in the Doppler (jcmd) so heap figures mean live data. */
    void gc() throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        new ProcessBuilder(jcmd.toString(), String.valueOf(process.pid()), "GC.run").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(60, TimeUnit.SECONDS);
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
