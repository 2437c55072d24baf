package dev.loggregator.gateway;

import dev.loggregator.logging.LogFlush;
import dev.loggregator.manifest.Manifest;
import dev.loggregator.manifest.ManifestException;
import dev.loggregator.manifest.ManifestLoader;
import dev.loggregator.server.ExitStatus;
import dev.loggregator.server.ServerCommandLine;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar gateway.jar --manifest FILE}: runs the gateway of a deployment manifest until
 * SIGTERM, or until a new gateway process takes its listening sockets over (a reload), then
 * drains and exits 0. A bad manifest or command line is one line on stderr and exit status 2
 * (conventions: {@link ServerCommandLine}).
 */
@Command(name = "gateway", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Runs the gateway of a deployment manifest (gateway.enabled: true) until SIGTERM or SIGINT, then drains.")
public final class GatewayMain implements Callable<Integer> {
    @Option(names = "--manifest", required = true, paramLabel = "FILE", description = "the deployment manifest (YAML)")
    private Path manifestFile;

    /** Set once the gateway runs: it serves on its own threads; main waits until it has stopped. */
    private Gateway gateway;

    private GatewayMain() {
    }

    public static void main(String[] args) {
        GatewayMain command = new GatewayMain();
        int status = ServerCommandLine.execute(command, args);
        if (command.gateway == null) {
            System.exit(status);
        }
        // After a hand-over the gateway drains and stops on its own; after SIGTERM the shutdown hook exits first.
        command.gateway.awaitStopped();
        System.exit(ExitStatus.OK);
    }

    /** A {@link ManifestException} is exit status 2, any other exception "gateway: cannot start: ..." and 1 ({@link ServerCommandLine}). */
    @Override
    public Integer call() throws Exception {
        Manifest manifest = ManifestLoader.load(manifestFile);
        if (!manifest.gateway().enabled()) {
            throw new ManifestException(manifestFile + ": gateway.enabled is false; set it to true to run the gateway");
        }
        Gateway started = Gateway.start(manifest, manifestFile);
        Logger log = LoggerFactory.getLogger(GatewayMain.class);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (started.running()) {
                log.info("SIGTERM: draining");
            }
            started.drainAndStop();
            LogFlush.beforeExit();
            // A JVM ended by a signal exits 143 even after a clean drain; the drain is the clean stop.
            Runtime.getRuntime().halt(ExitStatus.OK);
        }, "gateway-drain"));
        gateway = started;
        return ExitStatus.OK;
    }
}
