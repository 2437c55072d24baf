package dev.loggregator.trafficcontroller;

import dev.loggregator.manifest.Manifest;
import dev.loggregator.manifest.ManifestException;
import dev.loggregator.manifest.ManifestLoader;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code traffic-controller.jar --manifest FILE --index N}. */
public final class TrafficControllerMain {
    private static final Logger LOG = LoggerFactory.getLogger(TrafficControllerMain.class);

    private TrafficControllerMain() {
    }

    public static void main(String[] args) {
        String manifestFile = null;
        int index = 0;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--manifest" -> manifestFile = args[++i];
                    case "--index" -> index = Integer.parseInt(args[++i]);
                    case "--help", "-h" -> {
                        System.out.println("usage: traffic-controller --manifest FILE [--index N]");
                        return;
                    }
                    default -> throw new IllegalArgumentException("unknown argument " + args[i]);
                }
            }
        } catch (ArrayIndexOutOfBoundsException | IllegalArgumentException e) {
            System.err.println("usage: traffic-controller --manifest FILE [--index N]"
                    + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"));
            System.exit(2);
        }
        if (manifestFile == null) {
            System.err.println("usage: traffic-controller --manifest FILE [--index N] (--manifest is required)");
            System.exit(2);
        }
        TrafficController trafficController;
        try {
            Manifest manifest = ManifestLoader.load(Path.of(manifestFile));
            trafficController = new TrafficController(manifest, index);
            trafficController.start();
        } catch (ManifestException | IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        } catch (Exception e) {
            LOG.error("Traffic Controller failed to start", e);
            System.err.println("Traffic Controller failed to start: " + e);
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        TrafficController running = trafficController;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.close();
            stopped.countDown();
            // A signal makes the JVM exit with 128+signal; a clean drain is a clean exit.
            Runtime.getRuntime().halt(0);
        }, "tc-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
