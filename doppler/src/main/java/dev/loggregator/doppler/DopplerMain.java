package dev.loggregator.doppler;

import dev.loggregator.manifest.Manifest;
import dev.loggregator.manifest.ManifestException;
import dev.loggregator.manifest.ManifestLoader;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * {@code java -jar doppler.jar --manifest FILE --index N}. A bad manifest or command line is one
 * line on stderr and exit status 2; SIGTERM drains and exits 0.
 */
public final class DopplerMain {
    private static final Logger LOG = LoggerFactory.getLogger(DopplerMain.class);
    private static final String USAGE = "usage: doppler --manifest FILE [--index N]";

    private DopplerMain() {
    }

    public static void main(String[] args) {
        Path manifestPath = null;
        int index = 0;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--manifest" -> manifestPath = Path.of(value(args, ++i));
                    case "--index" -> index = Integer.parseInt(value(args, ++i));
                    case "--help", "-h" -> {
                        System.out.println(USAGE);
                        return;
                    }
                    default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
                }
            }
            if (manifestPath == null) {
                throw new IllegalArgumentException("--manifest is required");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("doppler: " + e.getMessage() + "; " + USAGE);
            System.exit(2);
            return;
        }

        Doppler doppler;
        try {
            Manifest manifest = ManifestLoader.load(manifestPath);
            doppler = new Doppler(manifest, index);
        } catch (ManifestException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }

        try {
            doppler.start();
        } catch (ManifestException e) {
            System.err.println(e.getMessage());
            doppler.stop();
            System.exit(2);
            return;
        } catch (Exception e) {
            LOG.error("Doppler cannot start: {}", e.toString(), e);
            doppler.stop();
            System.exit(1);
            return;
        }
        CountDownLatch stopping = new CountDownLatch(1);
        // SIGTERM/SIGINT: drain, then exit 0 through System.exit so that other shutdown hooks
        // (logging, a JFR recording) still run. A plain shutdown hook would exit with 143.
        SignalHandler drainAndExit = signal -> stopping.countDown();
        Signal.handle(new Signal("TERM"), drainAndExit);
        Signal.handle(new Signal("INT"), drainAndExit);
        try {
            stopping.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        doppler.stop();
        System.exit(0);
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }
}
