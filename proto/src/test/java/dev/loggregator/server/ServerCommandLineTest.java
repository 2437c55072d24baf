package dev.loggregator.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.manifest.ManifestException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.BindException;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The servers' command-line conventions, in process (each server's own test runs its real process). */
class ServerCommandLineTest {

    @Command(name = "probe", mixinStandardHelpOptions = true, description = "A server for this test.")
    static final class Probe implements Callable<Integer> {
        @Option(names = "--manifest", required = true, paramLabel = "FILE")
        String manifest;

        @Option(names = "--index", paramLabel = "N", defaultValue = "0")
        int index;

        Exception failure;

        @Override
        public Integer call() throws Exception {
            if (failure != null) {
                throw failure;
            }
            return 7;
        }
    }

    private record Run(int status, String out, String err) {
    }

    private static Run run(Probe probe, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = ServerCommandLine.commandLine(probe);
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return new Run(commandLine.execute(args), out.toString(), err.toString());
    }

    @Test
    void whatCallReturnsIsTheExitStatusAndTheLastOfARepeatedOptionWins() {
        Probe probe = new Probe();
        Run run = run(probe, "--manifest", "a.yml", "--index", "1", "--manifest=b.yml");
        assertEquals(7, run.status());
        assertEquals("b.yml", probe.manifest);
        assertEquals(1, probe.index);
        assertEquals("", run.out() + run.err());
        Probe defaults = new Probe();
        run(defaults, "--manifest", "a.yml");
        assertEquals(0, defaults.index);
    }

    @Test
    void helpAndVersionGoToStdoutWithStatus0() {
        Run help = run(new Probe(), "--help");
        assertEquals(ExitStatus.OK, help.status());
        assertTrue(help.out().startsWith("Usage: probe [-hV] [--index=N] --manifest=FILE"), help.out());
        assertTrue(help.out().contains("Exit status:"), help.out());
        assertTrue(help.out().contains("  2  bad command line or manifest"), help.out());
        assertEquals("", help.err());

        Run version = run(new Probe(), "-V");
        assertEquals(ExitStatus.OK, version.status());
        assertEquals("probe (development build)", version.out().strip());
    }

    @Test
    void aBadCommandLineIsOneLineWithTheSynopsisAndStatus2() {
        Run unknown = run(new Probe(), "--manifest", "a.yml", "--bogus");
        assertEquals(ExitStatus.USAGE, unknown.status());
        assertEquals("probe: Unknown option: '--bogus'; usage: probe [-hV] [--index=N] --manifest=FILE" + System.lineSeparator(),
                unknown.err());
        assertEquals("", unknown.out());

        Run missing = run(new Probe());
        assertEquals(ExitStatus.USAGE, missing.status());
        assertEquals("probe: Missing required option: '--manifest=FILE'; usage: probe [-hV] [--index=N] --manifest=FILE",
                missing.err().strip());

        Run notANumber = run(new Probe(), "--manifest", "a.yml", "--index", "x");
        assertEquals(ExitStatus.USAGE, notANumber.status());
        assertTrue(notANumber.err().startsWith("probe: Invalid value for option '--index': 'x' is not an int; usage: "), notANumber.err());
    }

    @Test
    void anUnknownOptionIsTheProblemEvenWhenTheManifestIsMissingToo() {
        Run run = run(new Probe(), "--manfest", "a.yml");
        assertEquals(ExitStatus.USAGE, run.status());
        assertTrue(run.err().startsWith("probe: Unknown options: '--manfest', 'a.yml'; usage: "), run.err());
    }

    @Test
    void aManifestExceptionIsItsMessageOnOneLineAndStatus2() {
        Probe probe = new Probe();
        probe.failure = new ManifestException("m.yml: doppler.instances[3]: no such instance\n  (there are 2)");
        Run run = run(probe, "--manifest", "m.yml");
        assertEquals(ExitStatus.USAGE, run.status());
        assertEquals("m.yml: doppler.instances[3]: no such instance; (there are 2)" + System.lineSeparator(), run.err());
    }

    @Test
    void anyOtherFailureToStartIsOneLineAndStatus1() {
        Probe probe = new Probe();
        probe.failure = new BindException("Address already in use");
        Run run = run(probe, "--manifest", "m.yml");
        assertEquals(ExitStatus.STARTUP_FAILED, run.status());
        assertEquals("probe: cannot start: java.net.BindException: Address already in use" + System.lineSeparator(), run.err());
    }
}
