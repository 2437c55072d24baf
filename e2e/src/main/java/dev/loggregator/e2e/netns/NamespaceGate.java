package dev.loggregator.e2e.netns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import dev.loggregator.e2e.launcher.Launcher;

/**
 * The helper a test runs inside a network namespace ({@code ip netns exec <ns> java ... NamespaceGate}):
 * it joins TCP addresses of that namespace to Unix sockets, which the test JVM outside reaches.
 * <ul>
 *   <li>{@code --connect SOCKET=HOST:PORT}: each connection to SOCKET dials HOST:PORT from inside (the
 *   test's clients reach the components this way);</li>
 *   <li>{@code --listen HOST:PORT=SOCKET}: each connection to HOST:PORT inside goes on to SOCKET (a relay
 *   in the test JVM sits in the path of a link between namespaces);</li>
 *   <li>{@code --ready-file FILE}: created once every socket listens.</li>
 * </ul>
 * It exits when the JVM that started it does, so a test that dies leaves no helper behind.
 */
public final class NamespaceGate {
    /** Small: it only copies bytes, on two threads per direction of each connection. */
    private static final List<String> JVM_ARGS = List.of("-Xms16m", "-Xmx64m", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1", "-Xss256k");

    private NamespaceGate() {
    }

    /** Starts a gate inside {@code node} with the options above (without --ready-file) and waits until it listens. */
    public static NodeProcess start(NetworkNode node, Path log, Path readyFile, List<String> options) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_ARGS);
        command.addAll(List.of("-cp", Launcher.classpathOfThisJvm(), NamespaceGate.class.getName()));
        command.addAll(options);
        command.addAll(List.of("--ready-file", readyFile.toString()));
        try {
            Files.deleteIfExists(readyFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return NodeProcess.start("gate on " + node.name(), node, command, log)
                .awaitReady(() -> Files.exists(readyFile), NodeProcess.defaultTimeout());
    }

    public static void main(String[] args) throws Exception {
        List<Forwarder> forwarders = new ArrayList<>();
        Path ready = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            String value = args[i + 1];
            int equals = value.indexOf('=');
            switch (args[i]) {
                case "--connect" -> forwarders.add(Forwarder.unixToTcp("gate " + value,
                        Path.of(value.substring(0, equals)), address(value.substring(equals + 1))));
                case "--listen" -> forwarders.add(Forwarder.tcpToUnix("gate " + value,
                        address(value.substring(0, equals)), Path.of(value.substring(equals + 1))));
                case "--ready-file" -> ready = Path.of(value);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        CountDownLatch parentGone = new CountDownLatch(1);
        ProcessHandle.current().parent().ifPresentOrElse(
                parent -> parent.onExit().thenRun(parentGone::countDown), parentGone::countDown);
        if (ready != null) {
            try {
                Files.writeString(ready, "ready\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        parentGone.await();
        forwarders.forEach(Forwarder::close);
        System.exit(0);
    }

    private static InetSocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }
}
