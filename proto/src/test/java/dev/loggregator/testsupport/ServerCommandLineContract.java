package dev.loggregator.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.testsupport.JavaProcess.Finished;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The command line every server main keeps (dev.loggregator.server.ServerCommandLine), checked
 * against the real process: {@code --help} and {@code --version} on stdout with exit status 0; a bad
 * command line or manifest as one short line on stderr with exit status 2; a server that cannot
 * start (a port in use) ends with one line on stderr and exit status 1. A module's test extends this
 * with its main class, command name and a manifest.
 */
public abstract class ServerCommandLineContract {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** The main class, e.g. dev.loggregator.doppler.DopplerMain. */
    protected abstract String mainClass();

    /** The command's name in its usage, e.g. doppler. */
    protected abstract String name();

    /** A manifest that is fine except that the server's first listener is on {@code portInUse}. */
    protected abstract String manifestListeningOn(int portInUse);

    protected Finished run(String... args) {
        return JavaProcess.run(name() + "-cli", mainClass(), TIMEOUT, args);
    }

    /** The one line on stderr of a refused command line or manifest (and nothing on stdout). */
    protected static String oneErrorLine(Finished finished) {
        assertEquals(2, finished.exitStatus(), finished.toString());
        assertEquals("", finished.stdout(), finished.toString());
        assertEquals(1, finished.stderr().lines().count(), finished.toString());
        assertTrue(finished.stderr().length() < 200, "short: " + finished);
        return finished.stderr().strip();
    }

    @Test
    void helpIsTheUsageOnStdoutAndExitStatus0() {
        for (String help : new String[] {"--help", "-h"}) {
            Finished finished = run(help);
            assertEquals(0, finished.exitStatus(), finished.toString());
            assertTrue(finished.stdout().startsWith("Usage: " + name() + " "), finished.toString());
            assertTrue(finished.stdout().contains("--manifest=FILE"), finished.toString());
            assertTrue(finished.stdout().contains("Exit status:"), finished.toString());
            assertEquals("", finished.stderr(), finished.toString());
        }
    }

    @Test
    void versionIsOneLineOnStdoutAndExitStatus0() {
        Finished finished = run("--version");
        assertEquals(0, finished.exitStatus(), finished.toString());
        assertEquals(1, finished.stdout().lines().count(), finished.toString());
        assertTrue(finished.stdout().startsWith(name() + " "), finished.toString());
        assertEquals("", finished.stderr(), finished.toString());
    }

    @Test
    void anUnknownOptionIsOneShortLineOnStderrAndExitStatus2() {
        String error = oneErrorLine(run("--manifest", "unused.yml", "--no-such-option"));
        assertTrue(error.startsWith(name() + ": Unknown option: '--no-such-option'; usage: " + name() + " "), error);
        // Reported as such even when the required --manifest is missing too (a mistyped --manifest).
        String typo = oneErrorLine(run("--manfest", "dev.yml"));
        assertTrue(typo.startsWith(name() + ": Unknown options: '--manfest', 'dev.yml'"), typo);
    }

    @Test
    void withoutManifestItIsOneShortLineOnStderrAndExitStatus2() {
        String error = oneErrorLine(run());
        assertTrue(error.startsWith(name() + ": Missing required option: '--manifest=FILE'; usage: "), error);
        String noValue = oneErrorLine(run("--manifest"));
        assertTrue(noValue.startsWith(name() + ": Missing required parameter for option '--manifest' (FILE)"), noValue);
    }

    @Test
    void aPortInUseIsExitStatus1WithTheCauseAsTheLastLineOnStderr() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            Path manifest = Files.createTempFile(Files.createDirectories(Path.of("target", "manifests")), name() + "-port-in-use-", ".yml");
            Files.writeString(manifest, manifestListeningOn(taken.getLocalPort()));
            Finished finished = run("--manifest", manifest.toString());
            assertEquals(1, finished.exitStatus(), finished.toString());
            List<String> stderr = finished.stderr().lines().toList();
            assertTrue(!stderr.isEmpty() && stderr.get(stderr.size() - 1).startsWith(name() + ": cannot start: "), finished.toString());
        }
    }

    @Test
    void aManifestThatIsNotThereIsItsMessageOnStderrAndExitStatus2() {
        Path missing = Path.of("target", "no-such-manifest.yml").toAbsolutePath();
        String error = oneErrorLine(run("--manifest=" + missing));
        assertEquals(missing + ": manifest file not found", error);
    }
}
