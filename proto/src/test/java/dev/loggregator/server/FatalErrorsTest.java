package dev.loggregator.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.testsupport.JavaProcess;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** A server process whose thread dies: of an Error it ends with status 3; of a RuntimeException it goes on. */
class FatalErrorsTest {

    /** A server whose worker thread fails while {@code call()} waits, as a server's main thread does. */
    @Command(name = "dying", mixinStandardHelpOptions = true)
    public static final class DyingServer implements Callable<Integer> {
        @Parameters(index = "0")
        String failure;

        public static void main(String[] args) {
            System.exit(ServerCommandLine.execute(new DyingServer(), args));
        }

        @Override
        public Integer call() throws InterruptedException {
            CountDownLatch never = new CountDownLatch(1);
            Thread worker = new Thread(() -> {
                if (failure.equals("error")) {
                    long[] tooBig = new long[Integer.MAX_VALUE - 8]; // a real OutOfMemoryError
                    never.countDown(); // not reached
                    System.out.println(tooBig.length);
                }
                throw new IllegalStateException("a bug in the worker");
            }, "worker");
            worker.start();
            worker.join();
            if (failure.equals("error")) {
                never.await(); // the server would run on with its worker dead
            }
            return 7;
        }
    }

    @Test
    void anErrorInAnyThreadEndsTheServerWithStatus3() {
        JavaProcess.Finished run = JavaProcess.run("dying", DyingServer.class.getName(), Duration.ofSeconds(60), "error");
        assertEquals(ExitStatus.FATAL, run.exitStatus(), run.toString());
        assertTrue(run.stderr().contains("worker: java.lang.OutOfMemoryError"), run.toString());
    }

    @Test
    void aRuntimeExceptionCostsOnlyItsThread() {
        JavaProcess.Finished run = JavaProcess.run("failing", DyingServer.class.getName(), Duration.ofSeconds(60), "bug");
        assertEquals(7, run.exitStatus(), run.toString());
        assertTrue((run.stdout() + run.stderr()).contains("a bug in the worker"), run.toString());
    }
}
