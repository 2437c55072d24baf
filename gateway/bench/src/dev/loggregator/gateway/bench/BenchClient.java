package dev.loggregator.gateway.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Benchmark client. For each target ({@code name=port[:pid,pid...]}, the first one being the
 * direct connection to the backend), interleaved over several rounds: two 1-connection streams of
 * 200-byte binary messages read by a minimal frame counter for a fixed time (messages/s), one from
 * a WebSocket server encoding each message ({@code /stream}) and one of pre-encoded 64 KiB blocks
 * ({@code /stream-raw}); the proxy's CPU time over each run from /proc (CPU per relayed message);
 * and sequential WebSocket handshakes (p50/p99 latency). Prints a table with ratios to direct.
 * Then the connection-setup load of {@link ConnectionLoad}: saturation (handshakes/s and the
 * proxy's CPU per handshake) for every target, including those given as {@code +name=port:pids}
 * (measured only here: the two-event-loop instances), and a reconnect storm through the targets
 * named by {@code --storm-targets}. {@code --only=name,...} keeps just the named targets.
 */
public final class BenchClient {
    record Target(String name, int port, List<Long> pids) {
    }

    public static void main(String[] args) throws Exception {
        double seconds = 5;
        int rounds = 3;
        int handshakes = 1000;
        int warmupHandshakes = 20_000;
        int mixedWarmupHandshakes = 20_000;
        double saturationSeconds = 10;
        int saturationClients = 16;
        int storm = 5000;
        boolean streams = true;
        List<String> stormTargets = List.of();
        List<String> only = List.of();
        List<Target> targets = new ArrayList<>();
        List<Target> setupOnly = new ArrayList<>();
        for (String arg : args) {
            if (arg.startsWith("--seconds=")) {
                seconds = Double.parseDouble(arg.substring(10));
            } else if (arg.startsWith("--rounds=")) {
                rounds = Integer.parseInt(arg.substring(9));
            } else if (arg.startsWith("--mixed-warmup-handshakes=")) {
                mixedWarmupHandshakes = Integer.parseInt(arg.substring(26));
            } else if (arg.startsWith("--warmup-handshakes=")) {
                warmupHandshakes = Integer.parseInt(arg.substring(20));
            } else if (arg.startsWith("--handshakes=")) {
                handshakes = Integer.parseInt(arg.substring(13));
            } else if (arg.startsWith("--saturation-seconds=")) {
                saturationSeconds = Double.parseDouble(arg.substring(21));
            } else if (arg.startsWith("--saturation-clients=")) {
                saturationClients = Integer.parseInt(arg.substring(21));
            } else if (arg.startsWith("--storm=")) {
                storm = Integer.parseInt(arg.substring(8));
            } else if (arg.startsWith("--storm-targets=")) {
                stormTargets = List.of(arg.substring(16).split(","));
            } else if (arg.startsWith("--only=")) {
                only = List.of(arg.substring(7).split(","));
            } else if (arg.equals("--no-streams")) {
                streams = false;
            } else {
                boolean setupOnlyTarget = arg.startsWith("+");
                String[] nameRest = (setupOnlyTarget ? arg.substring(1) : arg).split("=");
                String[] portPids = nameRest[1].split(":");
                List<Long> pids = new ArrayList<>();
                if (portPids.length > 1) {
                    for (String pid : portPids[1].split(",")) {
                        pids.add(Long.parseLong(pid));
                    }
                }
                (setupOnlyTarget ? setupOnly : targets).add(new Target(nameRest[0], Integer.parseInt(portPids[0]), pids));
            }
        }
        if (!only.isEmpty()) {
            List<String> chosen = only;
            targets.removeIf(target -> !chosen.contains(target.name()));
            setupOnly.removeIf(target -> !chosen.contains(target.name()));
        }
        if (streams) {
            streamsAndHandshakes(targets, seconds, rounds, handshakes, mixedWarmupHandshakes);
        }
        List<Target> all = new ArrayList<>(targets);
        all.addAll(setupOnly);
        Set<String> warmed = new HashSet<>();
        if (streams) {
            targets.forEach(target -> warmed.add(target.name()));
        }
        connectionSetup(all, warmed, saturationSeconds, saturationClients, warmupHandshakes, storm, stormTargets);
    }

    private static void streamsAndHandshakes(List<Target> targets, double seconds, int rounds, int handshakes, int warmupHandshakes)
            throws IOException {
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        Map<String, List<Double>> cpuPerMessage = new LinkedHashMap<>();
        Map<String, List<Double>> rawRates = new LinkedHashMap<>();
        Map<String, List<Double>> rawCpuPerMessage = new LinkedHashMap<>();
        Map<String, List<Double>> hsP50 = new LinkedHashMap<>();
        Map<String, List<Double>> hsP99 = new LinkedHashMap<>();
        Map<String, List<Double>> cpuPerHandshake = new LinkedHashMap<>();
        for (Target target : targets) {
            rates.put(target.name(), new ArrayList<>());
            cpuPerMessage.put(target.name(), new ArrayList<>());
            rawRates.put(target.name(), new ArrayList<>());
            rawCpuPerMessage.put(target.name(), new ArrayList<>());
            hsP50.put(target.name(), new ArrayList<>());
            hsP99.put(target.name(), new ArrayList<>());
            cpuPerHandshake.put(target.name(), new ArrayList<>());
            // Warm-up, not counted: a gateway runs for days, so it is measured with its JIT settled
            // (C2 takes some 10,000 handshakes to finish compiling and re-compiling that path).
            stream(target, "/stream", 2.0);
            stream(target, "/stream-raw", 2.0);
            long warmUpStart = System.nanoTime();
            warmUpMixed(target, warmupHandshakes);
            System.err.printf("warm-up %-8s %,d handshakes while streams flow: %.1f s%n", target.name(), warmupHandshakes,
                    (System.nanoTime() - warmUpStart) / 1e9);
        }
        for (int round = 0; round < rounds; round++) {
            for (Target target : targets) {
                long messages = measureStream(target, "/stream", seconds, rates, cpuPerMessage);
                long raw = measureStream(target, "/stream-raw", seconds, rawRates, rawCpuPerMessage);
                long hsCpuBefore = cpuTicks(target.pids());
                double[] latencies = handshakes(target, handshakes);
                if (!target.pids().isEmpty()) {
                    cpuPerHandshake.get(target.name()).add((cpuTicks(target.pids()) - hsCpuBefore) * 10.0 / handshakes); // ms
                }
                hsP50.get(target.name()).add(percentile(latencies, 0.50));
                hsP99.get(target.name()).add(percentile(latencies, 0.99));
                System.err.printf("round %d %-8s %,.0f msg/s, raw %,.0f msg/s, handshake p50 %.3f ms%n", round + 1, target.name(),
                        messages / seconds, raw / seconds, percentile(latencies, 0.5));
            }
        }
        String direct = targets.get(0).name();
        double directRate = median(rates.get(direct));
        double directRawRate = median(rawRates.get(direct));
        double directP50 = median(hsP50.get(direct));
        double directP99 = median(hsP99.get(direct));
        System.out.printf("%n%-8s | %12s | %8s | %13s | %8s | %9s | %8s | %9s | %8s | %12s | %12s | %s%n", "target",
                "stream msg/s", "x direct", "raw msg/s", "x direct", "hs p50 ms", "x direct", "hs p99 ms", "x direct",
                "CPU/msg", "CPU/raw msg", "CPU/handshake");
        for (Target target : targets) {
            String name = target.name();
            double rate = median(rates.get(name));
            double rawRate = median(rawRates.get(name));
            double p50 = median(hsP50.get(name));
            double p99 = median(hsP99.get(name));
            String cpu = cpuPerMessage.get(name).isEmpty() ? "-" : String.format("%.0f ns", median(cpuPerMessage.get(name)));
            String rawCpu = rawCpuPerMessage.get(name).isEmpty() ? "-" : String.format("%.0f ns", median(rawCpuPerMessage.get(name)));
            String hsCpu = cpuPerHandshake.get(name).isEmpty() ? "-" : String.format("%.3f ms", median(cpuPerHandshake.get(name)));
            System.out.printf("%-8s | %,12.0f | %7.2fx | %,13.0f | %7.2fx | %9.3f | %7.2fx | %9.3f | %7.2fx | %12s | %12s | %s%n",
                    name, rate, rate / directRate, rawRate, rawRate / directRawRate, p50, p50 / directP50, p99, p99 / directP99,
                    cpu, rawCpu, hsCpu);
        }
        System.out.printf("(medians of %d interleaved rounds; %.0f s streams on one connection; %d sequential handshakes per round)%n",
                rounds, seconds, handshakes);
    }

    /**
     * Handshakes while streams flow, as a gateway in service sees them. Warmed up with one kind of
     * traffic at a time, the JVMs (the gateway's and the backend's) compiled each path for that
     * traffic alone and compiled again at every switch between the streams and the handshakes of a
     * round: their compiler threads then took a core from the 2 this machine has during the first
     * few hundred handshakes after each stream, which made the gateway's handshake p99 (1-4 ms).
     */
    private static void warmUpMixed(Target target, int handshakes) throws IOException {
        AtomicBoolean done = new AtomicBoolean();
        Thread streams = new Thread(() -> {
            try {
                while (!done.get()) {
                    stream(target, "/stream", 0.5);
                    stream(target, "/stream-raw", 0.5);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, "warm-up streams");
        streams.start();
        try {
            handshakes(target, handshakes);
        } finally {
            done.set(true);
            try {
                streams.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Saturation for every target, then the reconnect storm through {@code stormTargets}.
     * {@code warmed}: the targets the stream part has warmed up already. The others get the full
     * warm-up here: a gateway measured while C2 still compiles its handshake path is charged for
     * the compiler threads' CPU too (0.12 against 0.09 ms per handshake in back-to-back runs).
     */
    private static void connectionSetup(List<Target> targets, Set<String> warmed, double seconds, int clients, int warmupHandshakes,
            int storm, List<String> stormTargets) throws Exception {
        System.out.printf("%n%-10s | %13s | %13s | %8s%n", "target", "handshakes/s", "CPU/handshake", "failures");
        for (Target target : targets) {
            handshakes(target, warmed.contains(target.name()) ? warmupHandshakes / 4 : warmupHandshakes);
            long before = cpuTicks(target.pids());
            ConnectionLoad.Saturation result = ConnectionLoad.saturate(target.port(), clients, seconds);
            long ticks = cpuTicks(target.pids()) - before;
            String cpu = target.pids().isEmpty() ? "-" : String.format("%.3f ms", ticks * 10.0 / result.handshakes());
            System.out.printf("%-10s | %,13.0f | %13s | %8d%n", target.name(), result.handshakes() / seconds, cpu, result.failures());
        }
        System.out.printf("(%d clients, each connecting, upgrading and closing as fast as it can, for %.0f s)%n", clients, seconds);
        if (stormTargets.isEmpty()) {
            return;
        }
        System.out.printf("%n%-10s | %8s | %8s | %s%n", "storm", "open", "failed", "seconds until the last 101");
        for (Target target : targets) {
            if (!stormTargets.contains(target.name())) {
                continue;
            }
            ConnectionLoad.Storm result = ConnectionLoad.storm(target.port(), storm, 60);
            System.out.printf("%-10s | %,8d | %,8d | %.3f%n", target.name(), result.opened(), result.failed(), result.seconds());
            Thread.sleep(3000); // let the closes of this storm settle before the next
        }
        System.out.printf("(%,d WebSocket connections opened at once from one thread and held until all are answered)%n", storm);
    }

    /** One stream run: records messages/s and the proxy's CPU per message; returns the messages counted. */
    private static long measureStream(Target target, String path, double seconds, Map<String, List<Double>> rates,
            Map<String, List<Double>> cpuPerMessage) throws IOException {
        long cpuBefore = cpuTicks(target.pids());
        long messages = stream(target, path, seconds);
        long cpuAfter = cpuTicks(target.pids());
        rates.get(target.name()).add(messages / seconds);
        if (!target.pids().isEmpty()) {
            cpuPerMessage.get(target.name()).add((cpuAfter - cpuBefore) * 10_000_000.0 / messages); // ns (ticks are 10 ms)
        }
        return messages;
    }

    private static SocketChannel handshake(int port, String path, ByteBuffer buffer) throws IOException {
        SocketChannel channel = SocketChannel.open();
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        channel.connect(new InetSocketAddress("127.0.0.1", port));
        String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
        channel.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
        buffer.clear();
        while (true) {
            if (channel.read(buffer) < 0) {
                throw new IOException("closed during handshake");
            }
            int end = headEnd(buffer);
            if (end >= 0) {
                String head = new String(buffer.array(), 0, end, StandardCharsets.US_ASCII);
                if (!head.startsWith("HTTP/1.1 101")) {
                    throw new IOException("handshake refused: " + head);
                }
                buffer.flip();
                buffer.position(end);
                buffer.compact();
                return channel;
            }
        }
    }

    private static int headEnd(ByteBuffer buffer) {
        byte[] a = buffer.array();
        for (int i = 3; i < buffer.position(); i++) {
            if (a[i] == '\n' && a[i - 1] == '\r' && a[i - 2] == '\n' && a[i - 3] == '\r') {
                return i + 1;
            }
        }
        return -1;
    }

    /** Reads the stream for {@code seconds}, counting frames by walking their headers. */
    private static long stream(Target target, String path, double seconds) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
        try (SocketChannel channel = handshake(target.port(), path, buffer)) {
            long frames = 0;
            long skip = 0; // payload bytes of the current frame still to skip
            byte[] header = new byte[14];
            int headerHave = 0;
            long deadline = System.nanoTime() + (long) (seconds * 1e9);
            buffer.flip();
            while (true) {
                while (buffer.hasRemaining()) {
                    if (skip > 0) {
                        int n = (int) Math.min(skip, buffer.remaining());
                        buffer.position(buffer.position() + n);
                        skip -= n;
                        continue;
                    }
                    header[headerHave++] = buffer.get();
                    if (headerHave == 1 && header[0] != (byte) 0x82) {
                        throw new IOException(target.name() + ": corrupt stream: frame " + frames + " starts with byte " + header[0]);
                    }
                    if (headerHave >= 2) {
                        int len = header[1] & 0x7f;
                        int need = len == 126 ? 4 : len == 127 ? 10 : 2;
                        if (headerHave == need) {
                            skip = len == 126 ? ((header[2] & 0xff) << 8) | (header[3] & 0xff)
                                    : len == 127 ? java.nio.ByteBuffer.wrap(header, 2, 8).getLong() : len;
                            headerHave = 0;
                            frames++;
                        }
                    }
                }
                if (System.nanoTime() >= deadline) {
                    return frames;
                }
                buffer.clear();
                if (channel.read(buffer) < 0) {
                    throw new IOException("stream closed after " + frames + " frames");
                }
                buffer.flip();
            }
        }
    }

    private static double[] handshakes(Target target, int count) throws IOException {
        double[] latencies = new double[count];
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        for (int i = 0; i < count; i++) {
            long start = System.nanoTime();
            SocketChannel channel = handshake(target.port(), "/hs", buffer);
            latencies[i] = (System.nanoTime() - start) / 1e6;
            channel.close();
        }
        return latencies;
    }

    private static long cpuTicks(List<Long> pids) throws IOException {
        long ticks = 0;
        for (long pid : pids) {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
        }
        return ticks;
    }

    private static double percentile(double[] values, double p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))];
    }

    private static double median(List<Double> values) {
        double[] array = values.stream().mapToDouble(Double::doubleValue).toArray();
        return percentile(array, 0.5);
    }
}
