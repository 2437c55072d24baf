package dev.loggregator.trafficcontroller;

import dev.loggregator.manifest.Manifest;
import dev.loggregator.manifest.ManifestException;
import dev.loggregator.manifest.ManifestLoader;
import dev.loggregator.server.ExitStatus;
import dev.loggregator.server.ServerCommandLine;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar traffic-controller.jar --manifest FILE [--index N]}. A bad manifest or command
 * line is one line on stderr and exit status 2; SIGTERM drains and exits 0 (conventions: {@link ServerCommandLine}).
 */
@Command(name = "traffic-controller", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Runs Traffic Controller N of a deployment manifest (traffic_controller.instances[N]) until SIGTERM or SIGINT, then drains.")
public final class TrafficControllerMain implements Callable<Integer> {
    // No static Logger: --help and a refused command line do not start logging (quicker, and only their own output).

    @Option(names = "--manifest", required = true, paramLabel = "FILE", description = "the deployment manifest (YAML)")
    private Path manifestFile;

    @Option(names = "--index", paramLabel = "N", defaultValue = "0",
            description = "which traffic_controller.instances entry to run (default: ${DEFAULT-VALUE})")
    private int index;

    private TrafficControllerMain() {
    }

    public static void main(String[] args) {
        System.exit(ServerCommandLine.execute(new TrafficControllerMain(), args));
    }

    /**
     * A bad manifest (a {@link ManifestException}, or an {@link IllegalArgumentException} about one of
     * its values) is its message on stderr and exit status 2; any other failure to start is logged with
     * its stack trace and ends with "traffic-controller: cannot start: ..." on stderr and exit status 1.
     */
    @Override
    public Integer call() throws Exception {
        Manifest manifest = ManifestLoader.load(manifestFile);
        TrafficController trafficController;
        try {
            trafficController = new TrafficController(manifest, index);
            trafficController.start();
        } catch (ManifestException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new ManifestException(e.getMessage(), e);
        } catch (Exception e) {
            LoggerFactory.getLogger(TrafficControllerMain.class).error("Traffic Controller failed to start", e);
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        TrafficController running = trafficController;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.close();
            stopped.countDown();
            // A signal makes the JVM exit with 128+signal; a clean drain is a clean exit.
            Runtime.getRuntime().halt(ExitStatus.OK);
        }, "tc-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return ExitStatus.OK;
    }
}
