package dev.loggregator.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Loopback ports for manifests written before the processes that bind them start (tests, the
 * launcher, benchmarks). A port the kernel hands out for {@code bind(0)} lies in its ephemeral range,
 * where any outgoing connection may take it before the process binds it (a flaky "Address already in
 * use"); so ports are picked below that range, walking from a random start, each checked free.
 */
public final class PortPicker {
    private static final int LOWEST = 10_000;
    private static final int EPHEMERAL_LOW = ephemeralLow();
    private static final AtomicInteger NEXT = new AtomicInteger(
            EPHEMERAL_LOW - LOWEST > 1_000 ? LOWEST + ThreadLocalRandom.current().nextInt(EPHEMERAL_LOW - LOWEST) : 0);

    private PortPicker() {
    }

    /** A loopback TCP port that was free a moment ago and is not one the kernel gives to outgoing connections. */
    public static int freeLoopbackPort() {
        if (NEXT.get() == 0) {
            return bind(0);
        }
        for (int attempt = 0; attempt < EPHEMERAL_LOW - LOWEST; attempt++) {
            int port = NEXT.getAndUpdate(p -> p + 1 >= EPHEMERAL_LOW ? LOWEST : p + 1);
            try {
                return bind(port);
            } catch (UncheckedIOException taken) {
                // in use: try the next one
            }
        }
        return bind(0);
    }

    private static int bind(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The lower end of {@code net.ipv4.ip_local_port_range} (32768 on Linux by default; 0 when unknown). */
    private static int ephemeralLow() {
        try {
            // readString trusts the size procfs reports and may read only part of the line
            String range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim();
            return Integer.parseInt(range.split("\\s+")[0]);
        } catch (IOException | RuntimeException unknown) {
            return 0;
        }
    }
}
