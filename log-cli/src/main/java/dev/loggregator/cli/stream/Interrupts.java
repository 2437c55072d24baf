package dev.loggregator.cli.stream;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C ends a stream cleanly: the first SIGINT runs {@code action} (close the WebSocket with
 * 1000, flush, exit 0) instead of the JVM's default exit status 130; a second one halts at once,
 * for when the network hangs the close.
 */
public final class Interrupts {
    private Interrupts() {
    }

    public static void onCtrlC(Runnable action) {
        try {
            Signal.handle(new Signal("INT"), new SignalHandler() {
                private boolean interrupted;

                @Override
                public synchronized void handle(Signal signal) {
                    if (interrupted) {
                        Runtime.getRuntime().halt(130);
                    }
                    interrupted = true;
                    action.run();
                }
            });
        } catch (IllegalArgumentException e) {
            // No SIGINT on this platform (or the JVM reserves it, e.g. with -Xrs): keep the default.
        }
    }
}
