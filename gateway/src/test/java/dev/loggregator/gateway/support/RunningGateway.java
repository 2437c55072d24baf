package dev.loggregator.gateway.support;

import dev.loggregator.gateway.Gateway;
import dev.loggregator.manifest.ManifestLoader;
import dev.loggregator.testsupport.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A gateway started in the test JVM from a manifest file written for the test (real listeners on
 * loopback, real sockets). {@code gatewayYaml} is the rest of the {@code gateway:} section, each
 * line indented by two spaces; {@code enabled} and {@code admin_port} are set here.
 */
public final class RunningGateway implements AutoCloseable {
    private final int port;
    private final int adminPort;
    private final Path manifestFile;
    private final Gateway gateway;

    private RunningGateway(int port, int adminPort, Path manifestFile, Gateway gateway) {
        this.port = port;
        this.adminPort = adminPort;
        this.manifestFile = manifestFile;
        this.gateway = gateway;
    }

    public static RunningGateway start(String gatewayYaml) {
        return start(gatewayYaml, false);
    }

    public static RunningGateway start(String gatewayYaml, boolean useSsl) {
        int port = FreePorts.next();
        int adminPort = FreePorts.next();
        try {
            Path file = Files.createTempFile("gateway-test-", ".yml");
            Files.writeString(file, manifest(port, adminPort, gatewayYaml, useSsl));
            Gateway gateway = Gateway.start(ManifestLoader.load(file), file);
            return new RunningGateway(port, adminPort, file, gateway);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static String manifest(int port, int adminPort, String gatewayYaml, boolean useSsl) {
        return "name: gateway-test\n"
                + "properties:\n"
                + "  system_domain: sys.test\n"
                + "  logger_endpoint:\n"
                + "    port: " + port + "\n"
                + "    use_ssl: " + useSsl + "\n"
                + "traffic_controller:\n"
                + "  auth:\n"
                + "    disable_access_control: true\n"
                + "gateway:\n"
                + "  enabled: true\n"
                + "  admin_port: " + adminPort + "\n"
                + gatewayYaml;
    }

    public int port() {
        return port;
    }

    public int adminPort() {
        return adminPort;
    }

    public Path manifestFile() {
        return manifestFile;
    }

    /** Replaces the manifest (same ports) in one atomic rename; the running gateway reloads its routes. */
    public void rewrite(String gatewayYaml) {
        try {
            Path tmp = Files.createTempFile(manifestFile.getParent(), "gateway-test-", ".tmp");
            Files.writeString(tmp, manifest(port, adminPort, gatewayYaml, false));
            Files.move(tmp, manifestFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Gateway gateway() {
        return gateway;
    }

    @Override
    public void close() {
        gateway.close();
        try {
            Files.deleteIfExists(manifestFile);
        } catch (IOException ignored) {
            // a temp file; nothing else to do
        }
    }
}
