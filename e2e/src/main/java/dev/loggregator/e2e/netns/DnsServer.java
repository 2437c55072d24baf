package dev.loggregator.e2e.netns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A real DNS server on a test node: Debian's dnsmasq, answering A records for names from a hosts
 * file (every address of a name, as BOSH DNS answers for a group) with a 1 s TTL, authoritative for
 * the test domain and forwarding nothing.
 */
public final class DnsServer implements AutoCloseable {
    private final NodeProcess process;

    private DnsServer(NodeProcess process) {
        this.process = process;
    }

    /** Serves {@code records} (name to addresses) for names under {@code domain} on {@code node}'s address, port 53. */
    public static DnsServer start(NetworkNode node, Path dir, String domain, Map<String, List<String>> records) {
        Path dnsmasq = Executables.find("dnsmasq").orElseThrow(() -> new NetworkSetupException("dnsmasq is not installed"));
        try {
            Files.createDirectories(dir);
            StringBuilder hosts = new StringBuilder();
            records.forEach((name, addresses) -> addresses.forEach(a -> hosts.append(a).append(' ').append(name).append('\n')));
            Path hostsFile = dir.resolve("dns-hosts");
            Files.writeString(hostsFile, hosts);
            Path log = dir.resolve("dnsmasq.log");
            NodeProcess process = NodeProcess.start("dnsmasq", node, List.of(dnsmasq.toString(),
                    "--keep-in-foreground", "--log-facility=-", "--conf-file=/dev/null", "--no-resolv", "--no-hosts",
                    "--addn-hosts=" + hostsFile, "--local=/" + domain + "/", "--listen-address=" + node.address(),
                    "--bind-interfaces", "--local-ttl=1", "--user=root", "--group=root",
                    "--pid-file=" + dir.resolve("dnsmasq.pid")), log);
            process.awaitReady(() -> logContains(log, "read " + hostsFile), NodeProcess.defaultTimeout());
            return new DnsServer(process);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean logContains(Path log, String text) {
        try {
            return Files.isRegularFile(log) && Files.readString(log).contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        process.close();
    }
}
