package dev.loggregator.gateway;

import dev.loggregator.manifest.Manifest;
import dev.loggregator.manifest.ManifestException;
import dev.loggregator.manifest.ManifestLoader;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code java -jar gateway.jar --manifest FILE}: runs the gateway of a deployment manifest until SIGTERM, then drains. */
public final class GatewayMain {
    private GatewayMain() {
    }

    public static void main(String[] args) {
        Path manifestFile = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--manifest") && i + 1 < args.length) {
                manifestFile = Path.of(args[++i]);
            } else if (args[i].startsWith("--manifest=")) {
                manifestFile = Path.of(args[i].substring("--manifest=".length()));
            } else {
                usage("unknown argument: " + args[i]);
            }
        }
        if (manifestFile == null) {
            usage("--manifest FILE is required");
        }
        Logger log = LoggerFactory.getLogger(GatewayMain.class);
        Gateway gateway;
        try {
            Manifest manifest = ManifestLoader.load(manifestFile);
            if (!manifest.gateway().enabled()) {
                throw new ManifestException(manifestFile + ": gateway.enabled is false; set it to true to run the gateway");
            }
            gateway = Gateway.start(manifest, manifestFile);
        } catch (ManifestException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        } catch (Exception e) {
            System.err.println("gateway: cannot start: " + e);
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("SIGTERM: draining");
            gateway.drainAndStop();
            // A JVM ended by a signal exits 143 even after a clean drain; the drain is the clean stop.
            Runtime.getRuntime().halt(0);
        }, "gateway-drain"));
    }

    private static void usage(String problem) {
        System.err.println("gateway: " + problem + "\nusage: java -jar gateway.jar --manifest FILE");
        System.exit(2);
    }
}
