package dev.loggregator.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PortPickerTest {
    @Test
    void portsAreFreeDistinctAndBelowTheEphemeralRange() throws IOException {
        int ephemeralLow = Integer.parseInt(
                Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim().split("\\s+")[0]);
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            int port = PortPicker.freeLoopbackPort();
            assertTrue(port >= 10_000 && port < ephemeralLow, port + " is in the ephemeral range from " + ephemeralLow);
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            }
            ports.add(port);
        }
        assertEquals(50, ports.size());
    }

    @Test
    void aTakenPortIsSkipped() throws IOException {
        int port = PortPicker.freeLoopbackPort();
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port + 1));
            int next = PortPicker.freeLoopbackPort();
            assertTrue(next != port + 1, "the taken port " + (port + 1) + " was handed out");
        }
    }
}
