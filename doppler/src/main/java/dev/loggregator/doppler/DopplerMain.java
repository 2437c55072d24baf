package dev.loggregator.doppler;

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
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * {@code java -jar doppler.jar --manifest FILE [--index N]}. A bad manifest or command line is one
 * line on stderr and exit status 2; SIGTERM drains and exits 0 (conventions: {@link ServerCommandLine}).
 */
@Command(name = "doppler", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Runs Doppler node N of a deployment manifest (doppler.instances[N]) until SIGTERM or SIGINT, then drains.")
public final class DopplerMain implements Callable<Integer> {
    // No static Logger: --help and a refused command line do not start logging (quicker, and only their own output).

    @Option(names = "--manifest", required = true, paramLabel = "FILE", description = "the deployment manifest (YAML)")
    private Path manifestPath;

    @Option(names = "--index", paramLabel = "N", defaultValue = "0", description = "which doppler.instances entry to run (default: ${DEFAULT-VALUE})")
    private int index;

    private DopplerMain() {
    }

    public static void main(String[] args) {
        System.exit(ServerCommandLine.execute(new DopplerMain(), args));
    }

    /**
     * A {@link ManifestException} is exit status 2; any other failure to start is logged with its stack
     * trace and ends with "doppler: cannot start: ..." on stderr (the last line of the log) and exit status 1.
     */
    @Override
    public Integer call() throws Exception {
        Manifest manifest = ManifestLoader.load(manifestPath);
        Doppler doppler = new Doppler(manifest, index);
        CountDownLatch stopping = new CountDownLatch(1);
        // SIGTERM/SIGINT: drain, then exit 0 through System.exit so that other shutdown hooks
        // (logging, a JFR recording) still run. A plain shutdown hook would exit with 143.
        // Installed before start: a SIGTERM while starting (health may already answer) waits for
        // the start to finish and then drains, instead of killing the JVM with 143.
        SignalHandler drainAndExit = signal -> stopping.countDown();
        Signal.handle(new Signal("TERM"), drainAndExit);
        Signal.handle(new Signal("INT"), drainAndExit);
        try {
            doppler.start();
        } catch (ManifestException e) {
            doppler.stop();
            throw e;
        } catch (Exception e) {
            LoggerFactory.getLogger(DopplerMain.class).error("Doppler cannot start: {}", e.toString(), e);
            doppler.stop();
            throw e;
        }
        try {
            stopping.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        doppler.stop();
        return ExitStatus.OK;
    }
}
